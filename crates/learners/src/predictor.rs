//! Every fitted model of the crate is a [`Predictor`]: deterministic, its expected prediction
//! is its hard prediction as 0 or 1 and its score is [`Classifier::score`]; groups are not read.

use fairkit_core::{Classifier, LearnerError, Predictor, classifier_expected, classifier_score};
use ndarray::ArrayView2;

use crate::{Boosting, Forest, LearnersError, Logistic, Model, NaiveBayes, Svm, Tree};

/// The shared error of a model's check: the input problem it names, or the learner's failure.
fn into_core(e: LearnersError) -> fairkit_core::Error {
    match e {
        LearnersError::Core(e) => e,
        other => LearnerError::new("model", other).into(),
    }
}

macro_rules! model_predictor {
    ($($model:ty),+) => {$(
        impl Predictor for $model {
            fn n_features(&self) -> usize {
                Classifier::n_features(self)
            }

            fn expected(
                &self,
                x: ArrayView2<'_, f64>,
                _groups: &fairkit_core::Groups,
            ) -> fairkit_core::Result<Vec<f64>> {
                classifier_expected(self, x)
            }

            fn score(
                &self,
                x: ArrayView2<'_, f64>,
                _groups: &fairkit_core::Groups,
            ) -> fairkit_core::Result<Option<Vec<f64>>> {
                classifier_score(self, x)
            }

            fn validate(&self) -> fairkit_core::Result<()> {
                <$model>::validate(self).map_err(into_core)
            }
        }
    )+};
}

model_predictor!(Logistic, Tree, Forest, NaiveBayes, Svm, Boosting, Model);

#[cfg(test)]
mod tests {
    use fairkit_core::{Groups, Learner};

    use super::*;
    use crate::Estimator;
    use crate::testutil::logistic_data;

    #[test]
    fn models_predict_their_labels_and_scores() {
        let (x, y) = logistic_data(41, 120, 3);
        let groups = Groups::from_labels("g", &vec!["a"; 120]).unwrap();
        for name in Estimator::NAMES {
            let model = name
                .parse::<Estimator>()
                .unwrap()
                .fit(x.view(), y.view(), None)
                .unwrap();
            let p: &dyn Predictor = &model;
            assert!(!p.is_randomized());
            assert_eq!(p.n_features(), 3);
            let expected = p.expected(x.view(), &groups).unwrap();
            let labels = model.predict(x.view());
            assert_eq!(expected.len(), 120);
            for (e, l) in expected.iter().zip(&labels) {
                assert_eq!(*e, f64::from(u8::from(*l)), "{name}");
            }
            let score = p.score(x.view(), &groups).unwrap().unwrap();
            assert_eq!(
                score,
                Classifier::score(&model, x.view()).to_vec(),
                "{name}"
            );
            p.validate().unwrap();
            let wide = ndarray::Array2::<f64>::zeros((2, 4));
            let err = p.expected(wide.view(), &groups).unwrap_err();
            assert_eq!(
                err,
                fairkit_core::Error::FeatureMismatch {
                    expected: 3,
                    got: 4
                }
            );
            assert!(p.score(wide.view(), &groups).is_err());
        }
    }

    #[test]
    fn an_inconsistent_model_is_refused_with_the_shared_error() {
        let broken = Model::Logistic(Logistic::from_parts(vec![1.0, f64::INFINITY], 0.0));
        let err = Predictor::validate(&broken).unwrap_err();
        assert_eq!(
            err.to_string(),
            "inconsistent logistic regression: a coefficient is inf"
        );
    }
}
