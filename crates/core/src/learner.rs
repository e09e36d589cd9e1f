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
