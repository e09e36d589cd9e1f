//! The fitted in-processing methods as [`Predictor`]s (docs/inprocessing.md).

use fairkit_core::{Groups, Predictor, Result};
use ndarray::ArrayView2;

use crate::{AdversarialDebiasing, GerryFair, PrejudiceRemover};

impl Predictor for PrejudiceRemover {
    fn n_features(&self) -> usize {
        PrejudiceRemover::n_features(self)
    }

    fn check_groups(&self, groups: &Groups) -> Result<()> {
        groups.codes_in(self.schema()).map(|_| ())
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        Ok(self
            .predict(x, groups)?
            .into_iter()
            .map(|p| f64::from(u8::from(p)))
            .collect())
    }

    fn score(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Option<Vec<f64>>> {
        Ok(Some(self.predict_proba(x, groups)?.to_vec()))
    }

    fn validate(&self) -> Result<()> {
        PrejudiceRemover::validate(self)
    }
}

impl Predictor for GerryFair {
    fn n_features(&self) -> usize {
        GerryFair::n_features(self)
    }

    fn is_randomized(&self) -> bool {
        true
    }

    fn check_groups(&self, groups: &Groups) -> Result<()> {
        groups.codes_in(self.protected().schema()).map(|_| ())
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        Ok(self.expected_positive(x, groups)?.to_vec())
    }

    fn validate(&self) -> Result<()> {
        GerryFair::validate(self)
    }
}

impl Predictor for AdversarialDebiasing {
    fn n_features(&self) -> usize {
        AdversarialDebiasing::n_features(self)
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        Ok(self
            .predict_rows(x, groups)?
            .into_iter()
            .map(|p| f64::from(u8::from(p)))
            .collect())
    }

    fn score(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Option<Vec<f64>>> {
        fairkit_core::Error::check_len("group values", x.nrows(), groups.len())?;
        Ok(Some(self.predict_proba(x)?.to_vec()))
    }

    fn validate(&self) -> Result<()> {
        AdversarialDebiasing::validate(self)
    }
}
