//! One enum over every learner, for the command line, the harness and saved models.

use std::fmt;
use std::str::FromStr;

use fairkit_core::{
    Classifier, Error as CoreError, FeatureCache, Learner, LearnerError, WeightSupport,
};
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::{
    Boosting, BoostingParams, Forest, ForestParams, LinfaLogistic, LinfaTree, Logistic,
    LogisticParams, NaiveBayes, NaiveBayesParams, Svm, SvmParams, Tree, TreeParams,
};

/// Any of the crate's learners with its parameters. Serialized with its name in the field `name`
/// (`{"name": "tree", "max_depth": 3}`; missing parameters take their defaults); parsed from and
/// displayed as the bare name with default parameters.
///
/// ```
/// use fairkit_core::{Learner, WeightSupport};
/// use fairkit_learners::Estimator;
///
/// let estimator: Estimator = "tree".parse().unwrap();
/// assert_eq!(estimator.to_string(), "tree");
/// assert_eq!(estimator.weight_support(), WeightSupport::Honoured);
/// let weight_blind: Estimator = "linfa-logistic".parse().unwrap();
/// assert_eq!(weight_blind.weight_support(), WeightSupport::Ignored);
/// assert!("knn".parse::<Estimator>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum Estimator {
    /// The weighted logistic regression ([`Logistic`]).
    Logistic(LogisticParams),
    /// The exact decision tree ([`Tree`]).
    Tree(TreeParams),
    /// A random forest of exact trees ([`Forest`]).
    Forest(ForestParams),
    /// Gaussian naive Bayes ([`NaiveBayes`]).
    NaiveBayes(NaiveBayesParams),
    /// A linear SVM ([`Svm`]).
    Svm(SvmParams),
    /// Gradient-boosted trees through forust-ml ([`Boosting`]).
    Boosting(BoostingParams),
    /// linfa-trees' decision tree, which misses valid splits ([`LinfaTree`]).
    LinfaTree(LinfaTree),
    /// linfa-logistic as published, which ignores sample weights ([`LinfaLogistic`]).
    LinfaLogistic(LinfaLogistic),
}

impl Estimator {
    /// The names [`FromStr`] accepts.
    pub const NAMES: [&'static str; 8] = [
        "logistic",
        "tree",
        "forest",
        "naive-bayes",
        "svm",
        "boosting",
        "linfa-tree",
        "linfa-logistic",
    ];
}

impl Estimator {
    /// The estimator with its logistic solver set.
    ///
    /// # Errors
    /// The estimator is not the weighted logistic regression.
    pub fn with_solver(self, solver: crate::LogisticSolver) -> Result<Self, CoreError> {
        match self {
            Estimator::Logistic(params) => Ok(Estimator::Logistic(params.solver(solver))),
            other => Err(CoreError::invalid(
                "solver",
                other.to_string(),
                "applies to the logistic estimator only",
            )),
        }
    }
}

impl Default for Estimator {
    fn default() -> Self {
        Estimator::Logistic(LogisticParams::default())
    }
}

impl fmt::Display for Estimator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Estimator::Logistic(_) => "logistic",
            Estimator::Tree(_) => "tree",
            Estimator::Forest(_) => "forest",
            Estimator::NaiveBayes(_) => "naive-bayes",
            Estimator::Svm(_) => "svm",
            Estimator::Boosting(_) => "boosting",
            Estimator::LinfaTree(_) => "linfa-tree",
            Estimator::LinfaLogistic(_) => "linfa-logistic",
        })
    }
}

impl FromStr for Estimator {
    type Err = CoreError;

    fn from_str(name: &str) -> Result<Self, CoreError> {
        match name {
            "logistic" => Ok(Estimator::Logistic(LogisticParams::default())),
            "tree" => Ok(Estimator::Tree(TreeParams::default())),
            "forest" => Ok(Estimator::Forest(ForestParams::default())),
            "naive-bayes" => Ok(Estimator::NaiveBayes(NaiveBayesParams::default())),
            "svm" => Ok(Estimator::Svm(SvmParams::default())),
            "boosting" => Ok(Estimator::Boosting(BoostingParams::default())),
            "linfa-tree" => Ok(Estimator::LinfaTree(LinfaTree::default())),
            "linfa-logistic" => Ok(Estimator::LinfaLogistic(LinfaLogistic::default())),
            other => Err(CoreError::unknown("estimator", other, &Estimator::NAMES)),
        }
    }
}

/// A model fitted by an [`Estimator`]; serializable, so that saved model files can hold it
/// (tagged by `kind`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Model {
    /// A logistic regression (from `logistic` or `linfa-logistic`).
    Logistic(Logistic),
    /// A decision tree (from `tree` or `linfa-tree`).
    Tree(Tree),
    /// A random forest.
    Forest(Forest),
    /// A Gaussian naive Bayes model.
    NaiveBayes(NaiveBayes),
    /// A linear SVM.
    Svm(Svm),
    /// A boosted ensemble.
    Boosting(Boosting),
}

impl Model {
    /// Checks that a deserialized model is consistent, so that predicting with it cannot
    /// panic: finite linear coefficients; tree nodes (of a tree or a forest) whose children
    /// come after them (no cycles) and split on existing features, leaf rates in `[0, 1]`;
    /// naive Bayes priors, means and positive variances.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`] naming what does not fit.
    pub fn validate(&self) -> crate::Result<()> {
        match self {
            Model::Logistic(m) => m.validate(),
            Model::Tree(m) => m.validate(),
            Model::Forest(m) => m.validate(),
            Model::NaiveBayes(m) => m.validate(),
            Model::Svm(m) => m.validate(),
            Model::Boosting(m) => m.validate(),
        }
    }

    fn classifier(&self) -> &dyn Classifier {
        match self {
            Model::Logistic(m) => m,
            Model::Tree(m) => m,
            Model::Forest(m) => m,
            Model::NaiveBayes(m) => m,
            Model::Svm(m) => m,
            Model::Boosting(m) => m,
        }
    }
}

impl Classifier for Model {
    fn n_features(&self) -> usize {
        self.classifier().n_features()
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        self.classifier().predict(x)
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        self.classifier().score(x)
    }
}

impl Learner for Estimator {
    type Model = Model;

    fn name(&self) -> String {
        self.to_string()
    }

    fn weight_support(&self) -> WeightSupport {
        match self {
            Estimator::Logistic(p) => p.weight_support(),
            Estimator::Tree(p) => p.weight_support(),
            Estimator::Forest(p) => p.weight_support(),
            Estimator::NaiveBayes(p) => p.weight_support(),
            Estimator::Svm(p) => p.weight_support(),
            Estimator::Boosting(p) => p.weight_support(),
            Estimator::LinfaTree(p) => p.weight_support(),
            Estimator::LinfaLogistic(p) => p.weight_support(),
        }
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Model, LearnerError> {
        self.fit_warm(x, y, weights, None)
    }

    /// Warm-starts the logistic regression and the SVM from a previous model of theirs; the
    /// other learners fit from scratch.
    fn fit_warm(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        warm: Option<&Model>,
    ) -> Result<Model, LearnerError> {
        Ok(match self {
            Estimator::Logistic(p) => Model::Logistic(p.fit_warm(x, y, weights, logistic(warm))?),
            Estimator::Tree(p) => Model::Tree(p.fit(x, y, weights)?),
            Estimator::Forest(p) => Model::Forest(p.fit(x, y, weights)?),
            Estimator::NaiveBayes(p) => Model::NaiveBayes(p.fit(x, y, weights)?),
            Estimator::Svm(p) => Model::Svm(p.fit_warm(x, y, weights, svm(warm))?),
            Estimator::Boosting(p) => Model::Boosting(p.fit(x, y, weights)?),
            Estimator::LinfaTree(p) => Model::Tree(p.fit(x, y, weights)?),
            Estimator::LinfaLogistic(p) => Model::Logistic(p.fit(x, y, weights)?),
        })
    }

    /// Passes `cache` to the learners that keep prepared features there (the logistic
    /// regression and the SVM their sparse rows, the tree and the forest their sorted columns);
    /// the others ignore it.
    fn fit_cached(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        warm: Option<&Model>,
        cache: &FeatureCache,
    ) -> Result<Model, LearnerError> {
        match self {
            Estimator::Logistic(p) => Ok(Model::Logistic(p.fit_cached(
                x,
                y,
                weights,
                logistic(warm),
                cache,
            )?)),
            Estimator::Svm(p) => Ok(Model::Svm(p.fit_cached(x, y, weights, svm(warm), cache)?)),
            Estimator::Tree(p) => Ok(Model::Tree(p.fit_cached(x, y, weights, None, cache)?)),
            Estimator::Forest(p) => Ok(Model::Forest(p.fit_cached(x, y, weights, None, cache)?)),
            _ => self.fit_warm(x, y, weights, warm),
        }
    }

    /// Passes `cache` to the logistic regression for its models; the others predict directly.
    fn predict_cached(
        &self,
        model: &Model,
        x: ArrayView2<'_, f64>,
        cache: &FeatureCache,
    ) -> Array1<bool> {
        match (self, model) {
            (Estimator::Logistic(p), Model::Logistic(m)) => p.predict_cached(m, x, cache),
            _ => model.predict(x),
        }
    }
}

/// The SVM in `warm`, if it is one.
fn svm(warm: Option<&Model>) -> Option<&Svm> {
    match warm {
        Some(Model::Svm(m)) => Some(m),
        _ => None,
    }
}

/// The logistic model in `warm`, if it is one.
fn logistic(warm: Option<&Model>) -> Option<&Logistic> {
    match warm {
        Some(Model::Logistic(m)) => Some(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::logistic_data;

    #[test]
    fn names_round_trip() {
        for name in Estimator::NAMES {
            let estimator: Estimator = name.parse().unwrap();
            assert_eq!(estimator.to_string(), name);
            assert_eq!(estimator.name(), name);
        }
        let err = "knn".parse::<Estimator>().unwrap_err();
        assert!(
            err.to_string().contains(
                "logistic, tree, forest, naive-bayes, svm, boosting, linfa-tree, linfa-logistic"
            ),
            "{err}"
        );
    }

    #[test]
    fn serde_names_and_default_parameters() {
        let tree: Estimator = serde_json::from_str(r#"{"name": "tree", "max_depth": 3}"#).unwrap();
        assert_eq!(tree, Estimator::Tree(TreeParams::new().max_depth(Some(3))));
        let blind: Estimator = serde_json::from_str(r#"{"name": "linfa-logistic"}"#).unwrap();
        assert_eq!(blind, Estimator::LinfaLogistic(LinfaLogistic::default()));
        assert!(serde_json::from_str::<Estimator>(r#"{"name": "tree", "depth": 3}"#).is_err());
        for name in Estimator::NAMES {
            let estimator: Estimator = name.parse().unwrap();
            let json = serde_json::to_string(&estimator).unwrap();
            assert_eq!(serde_json::from_str::<Estimator>(&json).unwrap(), estimator);
        }
    }

    #[test]
    fn saved_models_predict_the_same() {
        let (x, y) = logistic_data(31, 200, 3);
        for name in Estimator::NAMES {
            let estimator: Estimator = name.parse().unwrap();
            let model = estimator.fit(x.view(), y.view(), None).unwrap();
            let json = serde_json::to_string(&model).unwrap();
            let loaded: Model = serde_json::from_str(&json).unwrap();
            loaded.validate().unwrap();
            assert_eq!(loaded.score(x.view()), model.score(x.view()), "{name}");
            assert_eq!(loaded.predict(x.view()), model.predict(x.view()), "{name}");
            assert_eq!(loaded.n_features(), 3);
            // scores are probabilities of label `true` (decision values for the SVM) and
            // agree with the labels
            let scores = model.score(x.view());
            let cut = if name == "svm" { 0.0 } else { 0.5 };
            if name != "svm" {
                assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)), "{name}");
            }
            let agree = scores
                .iter()
                .zip(model.predict(x.view()))
                .filter(|(s, p)| (**s > cut) == *p)
                .count();
            assert!(agree >= 198, "{name}: {agree}");
            let accuracy = model
                .predict(x.view())
                .iter()
                .zip(&y)
                .filter(|(p, t)| p == t)
                .count();
            assert!(accuracy > 130, "{name}: {accuracy}");
        }
    }

    #[test]
    fn warm_start_passes_through_for_logistic() {
        let (x, y) = logistic_data(32, 300, 3);
        let estimator = Estimator::default();
        let first = estimator.fit(x.view(), y.view(), None).unwrap();
        let again = estimator
            .fit_warm(x.view(), y.view(), None, Some(&first))
            .unwrap();
        match (first, again) {
            (Model::Logistic(a), Model::Logistic(b)) => {
                assert!(b.iterations() <= 1, "{}", b.iterations());
                assert_eq!(a.coefficients().len(), b.coefficients().len());
            }
            _ => panic!("logistic models expected"),
        }
    }
}
