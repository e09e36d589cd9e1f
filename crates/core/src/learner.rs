use std::any::Any;
use std::sync::OnceLock;

use ndarray::{Array1, ArrayView1, ArrayView2};
use thiserror::Error;

/// A learner failed to fit or predict. Carries the learner's name and its own message, so that
/// mitigation crates can report it without depending on the learner's error type.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{learner}: {message}")]
pub struct LearnerError {
    /// The learner, e.g. `"logistic"`.
    pub learner: String,
    /// What went wrong.
    pub message: String,
}

impl LearnerError {
    /// A new error.
    pub fn new(learner: impl Into<String>, message: impl ToString) -> Self {
        Self {
            learner: learner.into(),
            message: message.to_string(),
        }
    }
}

/// Whether a learner's fit reads the sample weights it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightSupport {
    /// Weights change the fit: integer weights act as duplicated rows, zero weights as dropped
    /// rows (the conformance test in `fairkit-learners` proves it for every learner saying so).
    Honoured,
    /// The learner ignores weights; mitigation methods that reweight must refuse it.
    Ignored,
}

/// A fitted binary classifier.
pub trait Classifier: Send + Sync {
    /// Number of feature columns the model was fitted on.
    fn n_features(&self) -> usize;

    /// Hard predictions (`true` is the positive class, label 1).
    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool>;

    /// A score that increases with the positive class: the probability of label 1 where the
    /// model has one (logistic regression, tree leaf frequencies, boosting), else a decision
    /// value. Threshold post-processing ranks rows by it.
    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64>;
}

/// A learner that fits a [`Classifier`] on features, binary labels and optional sample weights.
///
/// Mitigation crates are generic over this trait and never name a concrete learner. Labels are
/// `bool` (`true` = 1, the positive class). Weights, when given, are non-negative and finite
/// (callers validate them).
pub trait Learner: Send + Sync {
    /// The fitted model.
    type Model: Classifier + Clone + Send + Sync + 'static;

    /// A short name for messages and reports, e.g. `"logistic"`.
    fn name(&self) -> String;

    /// Whether fits honour sample weights.
    fn weight_support(&self) -> WeightSupport;

    /// Fits a model.
    ///
    /// # Errors
    /// Whatever the learner cannot fit, e.g. a single label class where it needs two.
    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Self::Model, LearnerError>;

    /// Fits a model starting from a previous solution where the learner can use one (iterative
    /// solvers); the default ignores `warm` and calls [`fit`](Self::fit).
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    fn fit_warm(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        warm: Option<&Self::Model>,
    ) -> Result<Self::Model, LearnerError> {
        let _ = warm;
        self.fit(x, y, weights)
    }

    /// Fits like [`fit_warm`](Self::fit_warm), keeping in `cache` whatever the learner derives
    /// from the features alone (a checked or converted copy), for the next fit on the same `x`.
    /// Every call that passes one cache must pass the same features; labels and weights may
    /// change. The default ignores `cache` and calls [`fit_warm`](Self::fit_warm).
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    fn fit_cached(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        warm: Option<&Self::Model>,
        cache: &FeatureCache,
    ) -> Result<Self::Model, LearnerError> {
        let _ = cache;
        self.fit_warm(x, y, weights, warm)
    }

    /// The labels `model` predicts for `x`, read from `cache` where the learner keeps the
    /// features there (see [`fit_cached`](Self::fit_cached)). The same labels as
    /// [`Classifier::predict`], which the default calls, up to the rounding of decision values
    /// that are zero within a few ulps.
    ///
    /// # Panics
    /// As [`Classifier::predict`], if `x` does not have the model's number of features.
    fn predict_cached(
        &self,
        model: &Self::Model,
        x: ArrayView2<'_, f64>,
        cache: &FeatureCache,
    ) -> Array1<bool> {
        let _ = cache;
        model.predict(x)
    }
}

/// Implements [`Learner`] for a learner with a fixed name and weight support: the one place
/// that spells the trait's header, so each learner writes only its fit (and the provided methods
/// it overrides, after `fit`).
///
/// ```
/// use fairkit_core::{Classifier, LearnerError};
/// use ndarray::{Array1, ArrayView2};
///
/// #[derive(Clone)]
/// struct Always(bool);
///
/// impl Classifier for Always {
///     fn n_features(&self) -> usize {
///         1
///     }
///     fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
///         Array1::from_elem(x.nrows(), self.0)
///     }
///     fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
///         self.predict(x).mapv(|p| f64::from(u8::from(p)))
///     }
/// }
///
/// struct Majority;
///
/// fairkit_core::learner! {
///     Majority => Always, "majority", Ignored;
///     fn fit(&self, _x, y, _weights) {
///         let ones = y.iter().filter(|&&l| l).count();
///         if y.is_empty() {
///             return Err(LearnerError::new("majority", "no rows"));
///         }
///         Ok(Always(2 * ones > y.len()))
///     }
/// }
///
/// use fairkit_core::{Learner, WeightSupport};
/// let y = ndarray::array![true, true, false];
/// let x = ndarray::Array2::<f64>::zeros((3, 1));
/// assert_eq!(Majority.name(), "majority");
/// assert_eq!(Majority.weight_support(), WeightSupport::Ignored);
/// assert!(Majority.fit(x.view(), y.view(), None).unwrap().0);
/// ```
#[macro_export]
macro_rules! learner {
    (
        $learner:ty => $model:ty, $name:literal, $support:ident;
        $(#[$attr:meta])*
        fn fit(&$this:ident, $x:tt, $y:tt, $weights:tt) $body:block
        $($rest:tt)*
    ) => {
        impl $crate::Learner for $learner {
            type Model = $model;

            fn name(&self) -> ::std::string::String {
                ::std::string::String::from($name)
            }

            fn weight_support(&self) -> $crate::WeightSupport {
                $crate::WeightSupport::$support
            }

            $(#[$attr])*
            fn fit(
                &$this,
                $x: $crate::__private::ArrayView2<'_, f64>,
                $y: $crate::__private::ArrayView1<'_, bool>,
                $weights: ::std::option::Option<$crate::__private::ArrayView1<'_, f64>>,
            ) -> ::std::result::Result<$model, $crate::LearnerError> $body

            $($rest)*
        }
    };
}

/// What a learner keeps between fits on one feature matrix (see [`Learner::fit_cached`]).
///
/// Reductions refit the same features dozens of times with new labels and weights; with one
/// cache for all those fits a learner converts or checks the features once. The cache holds one
/// value, of the type the first learner to use it stores; it is safe to share between threads.
///
/// ```
/// use fairkit_core::FeatureCache;
///
/// let cache = FeatureCache::new();
/// assert_eq!(cache.get_or_init(|| 7_u32), Some(&7));
/// assert_eq!(cache.get_or_init(|| 8_u32), Some(&7)); // made once
/// assert_eq!(cache.get_or_init(|| "other type"), None);
/// assert_eq!(cache.get::<u32>(), Some(&7));
/// ```
#[derive(Debug, Default)]
pub struct FeatureCache(OnceLock<Box<dyn Any + Send + Sync>>);

impl FeatureCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cached value, made by `init` on first use; `None` when the cache already holds a
    /// value of another type.
    pub fn get_or_init<T: Any + Send + Sync>(&self, init: impl FnOnce() -> T) -> Option<&T> {
        self.0.get_or_init(|| Box::new(init())).downcast_ref()
    }

    /// The cached value, if the cache holds one of type `T`.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.0.get()?.downcast_ref()
    }
}

/// Refuses a learner that ignores sample weights, for a mitigation `method` (e.g.
/// `"exponentiated gradient"`) that works through weights and would silently do nothing.
///
/// # Errors
/// [`Error::IgnoresWeights`](crate::Error::IgnoresWeights) when the learner's
/// [`weight_support`](Learner::weight_support) is [`WeightSupport::Ignored`].
pub fn require_weight_support<L: Learner + ?Sized>(learner: &L, method: &str) -> crate::Result<()> {
    match learner.weight_support() {
        WeightSupport::Honoured => Ok(()),
        WeightSupport::Ignored => Err(crate::Error::IgnoresWeights {
            learner: learner.name(),
            method: method.to_string(),
        }),
    }
}
