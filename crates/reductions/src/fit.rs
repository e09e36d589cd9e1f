//! The one way every reduction is fitted: checked parameters fit on a dataset, and unchecked
//! parameters check themselves first (linfa's `ParamGuard` idiom).

use fairkit_core::FairDataset;
use linfa::ParamGuard;

use crate::{ReductionsError, Result};

/// Parameters that fit a reduction on training data.
///
/// Implemented by the checked parameters ([`ExponentiatedGradientValidParams`],
/// [`GridSearchValidParams`]) and, through linfa's [`ParamGuard`], by the unchecked builders,
/// which check themselves first.
///
/// [`ExponentiatedGradientValidParams`]: crate::ExponentiatedGradientValidParams
/// [`GridSearchValidParams`]: crate::GridSearchValidParams
pub trait FitReduction {
    /// The fitted reduction.
    type Object;

    /// Fits the reduction on `data`.
    ///
    /// # Errors
    /// Invalid parameters, data the constraint cannot be loaded on, and whatever the reduction
    /// cannot fit (see each reduction).
    fn fit(&self, data: &FairDataset) -> Result<Self::Object>;
}

impl<P> FitReduction for P
where
    P: ParamGuard<Error = ReductionsError>,
    P::Checked: FitReduction,
{
    type Object = <P::Checked as FitReduction>::Object;

    fn fit(&self, data: &FairDataset) -> Result<Self::Object> {
        self.check_ref()?.fit(data)
    }
}
