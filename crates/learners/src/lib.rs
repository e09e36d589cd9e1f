//! Baseline learners for fairkit: the only crate that depends on concrete learning libraries.
//!
//! Every learner implements [`fairkit_core::Learner`] (fit on features, `bool` labels and
//! optional sample weights) and its model [`fairkit_core::Classifier`] (labels and a score that
//! is the probability of label `true`), which the mitigation crates are generic over.
//!
//! | name | learner | params | model | weights |
//! |---|---|---|---|---|
//! | `logistic` | weighted logistic regression (L-BFGS via argmin, or Newton-Cholesky) | [`LogisticParams`] | [`Logistic`] | honoured |
//! | `tree` | exact CART decision tree (scikit-learn's `DecisionTreeClassifier`) | [`TreeParams`] | [`Tree`] | honoured |
//! | `forest` | random forest of exact trees (scikit-learn's `RandomForestClassifier`) | [`ForestParams`] | [`Forest`] | honoured |
//! | `naive-bayes` | Gaussian naive Bayes (scikit-learn's `GaussianNB`) | [`NaiveBayesParams`] | [`NaiveBayes`] | honoured |
//! | `svm` | linear SVM (scikit-learn's `LinearSVC` objective) | [`SvmParams`] | [`Svm`] | honoured |
//! | `boosting` | gradient boosting (forust-ml) | [`BoostingParams`] | [`Boosting`] | honoured |
//! | `linfa-tree` | linfa-trees' decision tree, which misses valid splits (kept for comparison) | [`LinfaTree`] | [`Tree`] | honoured |
//! | `linfa-logistic` | linfa-logistic as published | [`LinfaLogistic`] | [`Logistic`] | **ignored** |
//!
//! [`Estimator`] and [`Model`] wrap them all for the command line, the harness and saved models.
//! [`conformance::check`] proves (or disproves) that a learner honours weights: integer weights
//! act as duplicated rows, zero weights as dropped rows, and shifting weight changes predictions.
//!
//! Parameters follow linfa's idiom: `X::params()` returns an unchecked builder, checked by
//! [`linfa::ParamGuard`] (fitting checks implicitly). The weighted logistic regression and the
//! exact tree also implement linfa's `Fit` and `PredictInplace`, reading `DatasetBase::weights`.
//!
//! Every learner refuses labels of a single class (among the rows of positive weight) with an
//! error; mitigation crates supply their own constant fallback.
#![deny(missing_docs)]

mod boosting;
pub mod conformance;
mod error;
mod estimator;
mod forest;
mod input;
mod kernel;
mod linfa_logistic;
mod linfa_tree;
mod logistic;
mod naive_bayes;
mod newton;
mod predictor;
mod svm;
#[cfg(test)]
mod testutil;
mod tree;

pub use boosting::{Boosting, BoostingParams, BoostingValidParams};
pub use error::{LearnersError, Result};
pub use estimator::{Estimator, Model};
pub use forest::{Forest, ForestParams, ForestValidParams, MaxFeatures};
pub use linfa_logistic::LinfaLogistic;
pub use linfa_tree::LinfaTree;
pub use logistic::{Logistic, LogisticParams, LogisticSolver, LogisticValidParams};
pub use naive_bayes::{NaiveBayes, NaiveBayesParams, NaiveBayesValidParams};
pub use svm::{Svm, SvmParams, SvmValidParams};
pub use tree::{Node, SplitQuality, Tree, TreeParams, TreeValidParams};

/// Checks a split node `i` of a tree of `len` nodes stored parent first: its children come
/// after it (so routing a row always ends) and its feature exists.
fn check_split(
    what: &str,
    i: usize,
    children: &[usize],
    feature: usize,
    n_features: usize,
    len: usize,
) -> Result<()> {
    if let Some(c) = children.iter().find(|&&c| c <= i || c >= len) {
        return Err(fairkit_core::Error::inconsistent(
            what,
            format!("node {i} has child {c}; children must come after it among {len} nodes"),
        )
        .into());
    }
    if feature >= n_features {
        return Err(fairkit_core::Error::inconsistent(
            what,
            format!("node {i} splits on feature {feature} of {n_features}"),
        )
        .into());
    }
    Ok(())
}
