//! A model fitted on repaired features, as one [`Predictor`] of the raw features.

use fairkit_core::{Error, Groups, Predictor, Result};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::FeatureTransform;

/// A fitted feature repair and the model fitted on the repaired features: new rows are
/// repaired first, then predicted by the model (randomized exactly when the model is).
///
/// ```
/// use fairkit_core::{FairDataset, Groups, Predictor};
/// use fairkit_preprocessing::{DisparateImpactRemover, FitFeatureTransform, RepairedModel};
/// use ndarray::{ArrayView2, array};
///
/// /// Predicts 1 for a first feature of at least 2.
/// struct AtLeastTwo;
///
/// impl Predictor for AtLeastTwo {
///     fn n_features(&self) -> usize {
///         1
///     }
///     fn expected(&self, x: ArrayView2<'_, f64>, _: &Groups) -> fairkit_core::Result<Vec<f64>> {
///         Ok(x.column(0).iter().map(|&v| f64::from(u8::from(v >= 2.0))).collect())
///     }
/// }
///
/// let g = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"])?;
/// let x = array![[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]];
/// let data = FairDataset::new(x.clone(), vec![false; 6], g.clone())?;
/// let repair = DisparateImpactRemover::params().fit(&data)?;
/// let model = RepairedModel::new(repair, AtLeastTwo);
/// // Group b's values 4, 5, 6 are repaired to group a's ranks 1, 2, 3.
/// assert_eq!(model.expected(x.view(), &g)?, [0.0, 1.0, 1.0, 0.0, 1.0, 1.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepairedModel<R, M> {
    repair: R,
    model: M,
}

impl<R, M> RepairedModel<R, M> {
    /// The repair and the model fitted on the data it repaired.
    pub fn new(repair: R, model: M) -> Self {
        Self { repair, model }
    }

    /// The fitted repair.
    pub fn repair(&self) -> &R {
        &self.repair
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }
}

impl<R: FeatureTransform + Send + Sync, M: Predictor> Predictor for RepairedModel<R, M> {
    fn n_features(&self) -> usize {
        self.repair.n_features()
    }

    fn is_randomized(&self) -> bool {
        self.model.is_randomized()
    }

    fn check_groups(&self, groups: &Groups) -> Result<()> {
        self.model.check_groups(groups)
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        let repaired = self.repair.transform_features(x, groups)?;
        self.model.expected(repaired.view(), groups)
    }

    fn score(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Option<Vec<f64>>> {
        let repaired = self.repair.transform_features(x, groups)?;
        self.model.score(repaired.view(), groups)
    }

    /// The repair's and the model's checks, and a model that reads the repair's features.
    fn validate(&self) -> Result<()> {
        self.repair.validate()?;
        self.model.validate()?;
        let (got, n) = (self.model.n_features(), self.repair.n_features());
        if got == n {
            Ok(())
        } else {
            Err(Error::inconsistent(
                "model",
                format!("it reads {got} features, the repair gives {n}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use fairkit_core::{FairDataset, classifier_expected};
    use ndarray::{Array1, array};

    use super::*;
    use crate::{CorrelationRemover, FitFeatureTransform};

    /// Scores a row by its first feature; it has a score of its own.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct First(usize);

    impl fairkit_core::Classifier for First {
        fn n_features(&self) -> usize {
            self.0
        }
        fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
            x.column(0).mapv(|v| v > 0.0)
        }
        fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
            x.column(0).to_owned()
        }
    }

    impl Predictor for First {
        fn n_features(&self) -> usize {
            self.0
        }
        fn expected(&self, x: ArrayView2<'_, f64>, _: &Groups) -> Result<Vec<f64>> {
            classifier_expected(self, x)
        }
        fn score(&self, x: ArrayView2<'_, f64>, _: &Groups) -> Result<Option<Vec<f64>>> {
            fairkit_core::classifier_score(self, x)
        }
    }

    #[test]
    fn rows_are_repaired_before_the_model_reads_them() {
        let g = Groups::from_labels("g", &["a", "a", "b", "b"]).unwrap();
        let x = array![[1.0, 0.0], [3.0, 1.0], [5.0, 0.0], [7.0, 1.0]];
        let data = FairDataset::new(x.clone(), vec![false, true, false, true], g.clone()).unwrap();
        let remover = CorrelationRemover::params().fit(&data).unwrap();
        let repaired = remover.transform_features(x.view(), &g).unwrap();
        let model = RepairedModel::new(remover, First(2));
        assert_eq!(model.n_features(), 2);
        assert!(!model.is_randomized());
        // The group means 2 and 6 are removed around the overall mean 4.
        assert_eq!(repaired.column(0).to_vec(), [3.0, 5.0, 3.0, 5.0]);
        assert_eq!(
            model.score(x.view(), &g).unwrap(),
            Some(repaired.column(0).to_vec())
        );
        assert_eq!(model.expected(x.view(), &g).unwrap(), [1.0; 4]);
        model.validate().unwrap();
        let unseen = Groups::from_labels("g", &["c"]).unwrap();
        assert_eq!(
            model.expected(array![[1.0, 0.0]].view(), &unseen),
            Err(Error::UnseenGroup {
                group: "g=c".into()
            })
        );
        let narrow = RepairedModel::new(model.repair().clone(), First(1));
        assert_eq!(
            narrow.validate().unwrap_err().to_string(),
            "inconsistent model: it reads 1 features, the repair gives 2"
        );
    }
}
