use std::time::Instant;

use fairkit_core::{Classifier, Error, FeatureCache, Learner};
use ndarray::{Array1, ArrayView1, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::Result;

/// One classifier found by a reduction: a model fitted by the base learner, or a constant when
/// the relabelled data held a single class (fairlearn's `DummyClassifier`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Hypothesis<M> {
    /// A model of the base learner.
    Learned(M),
    /// Predicts this label for every row.
    Constant(bool),
}

impl<M: Classifier> Hypothesis<M> {
    /// Hard predictions.
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        match self {
            Hypothesis::Learned(m) => m.predict(x),
            Hypothesis::Constant(c) => Array1::from_elem(x.nrows(), *c),
        }
    }

    /// The model's score (the probability of label 1 where the model has one); a constant
    /// scores 1 or 0.
    pub fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        match self {
            Hypothesis::Learned(m) => m.score(x),
            Hypothesis::Constant(c) => Array1::from_elem(x.nrows(), f64::from(u8::from(*c))),
        }
    }

    /// Hard predictions as 0.0 / 1.0.
    pub(crate) fn predict_f64(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        match self {
            Hypothesis::Learned(m) => m
                .predict(x)
                .iter()
                .map(|&p| f64::from(u8::from(p)))
                .collect(),
            Hypothesis::Constant(c) => vec![f64::from(u8::from(*c)); x.nrows()],
        }
    }

    /// The learned model, if not a constant.
    pub fn model(&self) -> Option<&M> {
        match self {
            Hypothesis::Learned(m) => Some(m),
            Hypothesis::Constant(_) => None,
        }
    }
}

/// Rows per parallel task of the best response's passes.
const CHUNK: usize = 4096;

/// One best-response fit: the hypothesis, its 0/1 predictions on the training rows and the fit
/// time.
pub(crate) struct OracleFit<M> {
    pub hypothesis: Hypothesis<M>,
    pub predictions: Vec<f64>,
    pub seconds: f64,
}

/// Fits the base learner to the cost-sensitive problem of signed weights `s`
/// (docs/reductions.md#best-response and docs/reductions.md#fitting-and-selection): labels
/// `1[s > 0]`, weights `|s|`, rescaled to sum to `n` when `renormalize` (as ExponentiatedGradient
/// does; GridSearch does not). A single class among the rows of positive weight gives a constant
/// (fairlearn looks at all rows; the two agree unless some `s_i = 0`). Every fit on `x` shares
/// `cache` ([`Learner::fit_cached`]).
pub(crate) fn fit_best_response<L: Learner>(
    learner: &L,
    x: ArrayView2<'_, f64>,
    signed: &[f64],
    renormalize: bool,
    warm: Option<&L::Model>,
    cache: &FeatureCache,
) -> Result<OracleFit<L::Model>> {
    // Labels, weights and the classes among rows of positive weight (rows of zero weight, e.g.
    // zero user weights, cannot make a learner see two classes), in one pass over the rows in
    // parallel blocks: each label and weight alone, the classes by an order-free "or".
    let (mut labels, mut weights) = (vec![false; signed.len()], vec![0.0; signed.len()]);
    let classes = labels
        .par_chunks_mut(CHUNK)
        .zip(weights.par_chunks_mut(CHUNK))
        .zip(signed.par_chunks(CHUNK))
        .map(|((labels, weights), signed)| {
            let mut classes = [false; 2];
            for ((l, w), &s) in labels.iter_mut().zip(weights.iter_mut()).zip(signed) {
                (*l, *w) = (s > 0.0, s.abs());
                classes[usize::from(*l)] |= *w > 0.0;
            }
            classes
        })
        .reduce(|| [false; 2], |a, b| [a[0] | b[0], a[1] | b[1]]);
    let (labels, mut weights) = (Array1::from(labels), Array1::from(weights));
    let start = Instant::now();
    let hypothesis = if classes != [true, true] {
        Hypothesis::Constant(classes[1])
    } else {
        if renormalize {
            let total: f64 = weights.sum();
            let n = signed.len() as f64;
            weights
                .as_slice_mut()
                .expect("a new array is contiguous")
                .par_iter_mut()
                .for_each(|w| *w = n * *w / total);
        }
        let view: ArrayView1<'_, f64> = weights.view();
        Hypothesis::Learned(learner.fit_cached(x, labels.view(), Some(view), warm, cache)?)
    };
    let seconds = start.elapsed().as_secs_f64();
    let predictions = match &hypothesis {
        Hypothesis::Learned(m) => {
            let labels = learner.predict_cached(m, x, cache);
            let as_f64 = |&p: &bool| f64::from(u8::from(p));
            match labels.as_slice() {
                Some(labels) => labels.par_iter().map(as_f64).collect(),
                None => labels.iter().map(as_f64).collect(),
            }
        }
        Hypothesis::Constant(_) => hypothesis.predict_f64(x),
    };
    Ok(OracleFit {
        hypothesis,
        predictions,
        seconds,
    })
}

/// The sensitive groups a reduction was fitted on, to refuse groups it never saw.
///
/// The mixtures predict from features only, so prediction itself never needs the groups.
/// Callers that evaluate per group (the harness) call [`check`](Self::check) on the test
/// groups first: a group unseen in training has no constraint behind it, and its disparity
/// would be reported as if it had been mitigated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainedGroups {
    columns: Vec<String>,
    labels: Vec<String>,
}

impl TrainedGroups {
    /// The groups with rows in `groups`.
    pub(crate) fn of(groups: &fairkit_core::Groups) -> Self {
        let schema = groups.schema();
        Self {
            columns: schema.columns().to_vec(),
            labels: groups
                .present()
                .into_iter()
                .map(|c| schema.label(c))
                .collect(),
        }
    }

    /// The labels of the training groups, by code order of the training schema.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Errors on the first group with rows in `groups` (compared by label) that had no rows in
    /// training, or on other sensitive columns.
    ///
    /// # Errors
    /// [`fairkit_core::Error::UnseenGroup`], or [`fairkit_core::Error::InvalidParameter`]
    /// when the sensitive columns differ.
    pub fn check(&self, groups: &fairkit_core::Groups) -> fairkit_core::Result<()> {
        let schema = groups.schema();
        if schema.columns() != self.columns.as_slice() {
            return Err(Error::invalid(
                "sensitive",
                schema.columns().join(","),
                &format!("the model was fitted on {}", self.columns.join(",")),
            ));
        }
        for code in groups.present() {
            if !self.labels.contains(&schema.label(code)) {
                return Err(Error::UnseenGroup {
                    group: schema.describe(code),
                });
            }
        }
        Ok(())
    }
}

/// Checks that every learned hypothesis of a deserialized reduction has the reduction's
/// feature count (so that predicting with it cannot panic).
pub(crate) fn check_hypotheses<M: Classifier>(
    what: &str,
    predictors: &[Hypothesis<M>],
    n_features: usize,
) -> fairkit_core::Result<()> {
    match predictors
        .iter()
        .filter_map(Hypothesis::model)
        .find(|m| m.n_features() != n_features)
    {
        Some(m) => Err(Error::inconsistent(
            what,
            format!(
                "a predictor has {} features, the reduction {n_features}",
                m.n_features()
            ),
        )),
        None => Ok(()),
    }
}
