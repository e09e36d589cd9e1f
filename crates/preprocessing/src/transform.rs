//! The two traits shared by the feature transforms (disparate-impact and correlation removers).

use fairkit_core::{FairDataset, Groups};
use linfa::ParamGuard;
use ndarray::{Array2, ArrayView2};

use crate::{PreprocessingError, Result};

/// A fitted transform of the features, applied to any rows whose groups it saw when fitting.
/// It keeps the feature count.
///
/// Object safe, so a caller can hold `Box<dyn FeatureTransform>` whatever the method. Applying
/// a fitted transform fails only on input problems ([`fairkit_core::Error`]).
pub trait FeatureTransform {
    /// Number of features the transform was fitted on (and returns).
    fn n_features(&self) -> usize;

    /// The transform's name for messages, e.g. `correlation remover`.
    fn name(&self) -> &'static str;

    /// Checks that a transform read back from a file is consistent, so that
    /// [`transform_features`](Self::transform_features) cannot panic.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`] naming what does not fit.
    fn validate(&self) -> fairkit_core::Result<()>;

    /// Transforms a feature matrix whose rows belong to `groups`.
    ///
    /// # Errors
    /// A feature count that differs from the fit ([`fairkit_core::Error::FeatureMismatch`]), a
    /// row count that differs from `groups`, or a group that had no rows at fit time
    /// ([`fairkit_core::Error::UnseenGroup`]).
    fn transform_features(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Array2<f64>>;

    /// `data` with transformed features; labels, groups and weights are unchanged.
    ///
    /// # Errors
    /// As [`transform_features`](Self::transform_features).
    fn transform(&self, data: &FairDataset) -> fairkit_core::Result<FairDataset> {
        let x = self.transform_features(data.features(), data.groups())?;
        data.with_features(x)
    }
}

/// Parameters that fit a [`FeatureTransform`] on training data.
///
/// Implemented by the validated parameters and, through linfa's [`ParamGuard`], by the
/// unchecked ones, which check themselves first.
pub trait FitFeatureTransform {
    /// The fitted transform.
    type Object: FeatureTransform;

    /// Fits the transform on training data.
    ///
    /// # Errors
    /// Invalid parameters, and whatever the method cannot fit (see each method).
    fn fit(&self, data: &FairDataset) -> Result<Self::Object>;

    /// Fits on `data` and transforms it.
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    fn fit_transform(&self, data: &FairDataset) -> Result<FairDataset> {
        Ok(self.fit(data)?.transform(data)?)
    }
}

impl<P> FitFeatureTransform for P
where
    P: ParamGuard<Error = PreprocessingError>,
    P::Checked: FitFeatureTransform,
{
    type Object = <P::Checked as FitFeatureTransform>::Object;

    fn fit(&self, data: &FairDataset) -> Result<Self::Object> {
        self.check_ref()?.fit(data)
    }
}
