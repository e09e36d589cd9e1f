//! AIF360's two-group post-processors (docs/postprocessing-aif360.md#two-groups): reject
//! option classification, equalized-odds post-processing and calibrated equalized odds, on the
//! estimator's scores or on a score column of the data.
//!
//! What the three share is here once: where the scores come from ([`fit_on_scores`]) and the
//! fit ([`TwoGroupFit`]), a [`ThresholdedModel`] or a [`ScoreThresholder`] around the library's
//! [`ScorePostprocessor`]. Each method adds its parameters only.

use fairkit_core::{Error, FairDataset, Groups, Predictor};
use fairkit_learners::{Estimator, Model};
use fairkit_postprocessing::{
    CalibratedEqOdds, CalibratedEqOddsParams, CostConstraint, Disparity, EqOdds, EqOddsParams,
    FitTwoGroups, PostprocessingMethodError, RejectOption, RejectOptionParams, ScorePostprocessor,
    ScoreThresholder, ThresholdedModel,
};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::baseline::fit_estimator;
use super::{Fitted, FittedMethod, Method, MethodDetails};
use crate::Result;

/// The scores of `train` that a post-processor is fitted on: the column `score` when given
/// (then the encoded data holds that column only, see
/// [`MethodSpec::data_spec`](super::MethodSpec::data_spec)), else the scores of the estimator
/// fitted on `train`, returned with them.
///
/// # Errors
/// A score column that is not the data's only input, and the estimator's fit errors.
pub(crate) fn fit_on_scores(
    score: Option<&str>,
    estimator: &Estimator,
    train: &FairDataset,
) -> Result<(Vec<f64>, Option<Model>)> {
    match score {
        Some(column) => {
            if train.feature_names() != [column] {
                return Err(Error::invalid(
                    "score",
                    column,
                    &format!(
                        "must be a numeric column and the only input of the method (the data \
                         encodes: {})",
                        train.feature_names().join(", ")
                    ),
                )
                .into());
            }
            Ok((train.features().column(0).to_vec(), None))
        }
        None => {
            let base = fit_estimator(estimator, train)?;
            let scores = fairkit_core::Classifier::score(&base, train.features()).to_vec();
            Ok((scores, Some(base)))
        }
    }
}

/// A fitted two-group post-processor `T` on a model's scores (`base` and `thresholder`) or on a
/// score column (`column` and `thresholder`), tagged by `scores`: `model` or `column`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "scores", rename_all = "kebab-case")]
pub enum TwoGroupFit<T> {
    /// On the scores of a fitted model.
    Model(ThresholdedModel<Model, T>),
    /// On a score column of the data.
    Column(ScoreThresholder<T>),
}

impl<T: ScorePostprocessor> TwoGroupFit<T> {
    /// Fits `fit` on the scores of `train` (see [`fit_on_scores`]).
    ///
    /// # Errors
    /// As [`fit_on_scores`] and `fit`.
    fn fit(
        score: Option<&str>,
        estimator: &Estimator,
        train: &FairDataset,
        fit: impl FnOnce(
            &[f64],
            &[bool],
            &Groups,
            Option<&[f64]>,
        ) -> Result<T, PostprocessingMethodError>,
    ) -> Result<Self> {
        let (scores, base) = fit_on_scores(score, estimator, train)?;
        let post = fit(&scores, train.labels(), train.groups(), train.weights())?;
        Ok(match (base, score) {
            (Some(base), _) => TwoGroupFit::Model(ThresholdedModel::new(base, post)),
            (None, column) => {
                TwoGroupFit::Column(ScoreThresholder::new(column.unwrap_or_default(), post))
            }
        })
    }

    /// The post-processor.
    pub fn postprocessor(&self) -> &T {
        match self {
            TwoGroupFit::Model(m) => m.thresholder(),
            TwoGroupFit::Column(c) => c.thresholder(),
        }
    }

    /// The score column, for a fit on one.
    pub fn column(&self) -> Option<&str> {
        match self {
            TwoGroupFit::Model(_) => None,
            TwoGroupFit::Column(c) => Some(c.column()),
        }
    }

    /// Whether this fits a spec with the score column `score`.
    fn matches(&self, score: Option<&str>) -> bool {
        self.column() == score
    }

    fn inner(&self) -> &dyn Predictor {
        match self {
            TwoGroupFit::Model(m) => m,
            TwoGroupFit::Column(c) => c,
        }
    }
}

impl<T: ScorePostprocessor> Predictor for TwoGroupFit<T> {
    fn n_features(&self) -> usize {
        self.inner().n_features()
    }

    fn is_randomized(&self) -> bool {
        self.inner().is_randomized()
    }

    fn check_groups(&self, groups: &Groups) -> fairkit_core::Result<()> {
        self.inner().check_groups(groups)
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> fairkit_core::Result<Vec<f64>> {
        self.inner().expected(x, groups)
    }

    fn validate(&self) -> fairkit_core::Result<()> {
        self.inner().validate()
    }
}

/// What a two-group fit says about itself: one human-readable rule per line.
pub(crate) trait Rules {
    /// The fitted rules.
    fn rules(&self) -> Vec<String>;
}

impl<T: ScorePostprocessor + Rules> Fitted for TwoGroupFit<T> {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        match self {
            TwoGroupFit::Model(_) => "model",
            TwoGroupFit::Column(_) => "score post-processor",
        }
    }

    fn details(&self) -> MethodDetails {
        MethodDetails {
            rules: self.postprocessor().rules(),
            ..MethodDetails::default()
        }
    }
}

/// The [`Method`] items every two-group post-processor spec shares: its `score` column, its fit
/// (the spec's `params()` fitted on the scores of [`fit_on_scores`]) into the [`FittedMethod`]
/// variant named, and which fits are its own.
macro_rules! on_scores {
    ($variant:ident) => {
        fn score_column(&self) -> Option<&str> {
            self.score.as_deref()
        }

        fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
            let params = self.params();
            Ok(FittedMethod::$variant(TwoGroupFit::fit(
                self.score.as_deref(),
                estimator,
                train,
                |s, y, g, w| params.fit_scores(s, y, g, w),
            )?))
        }

        fn is_fit(&self, fitted: &FittedMethod) -> bool {
            matches!(fitted, FittedMethod::$variant(f) if f.matches(self.score.as_deref()))
        }
    };
}

fn default_low() -> f64 {
    0.01
}
fn default_high() -> f64 {
    0.99
}
fn default_num_thresh() -> usize {
    100
}
fn default_num_margin() -> usize {
    50
}
fn default_metric() -> Disparity {
    Disparity::StatisticalParityDifference
}
fn default_lb() -> f64 {
    -0.05
}
fn default_ub() -> f64 {
    0.05
}
fn default_threshold() -> f64 {
    0.5
}
fn default_cost() -> CostConstraint {
    CostConstraint::Weighted
}

/// Reject option classification's parameters, AIF360's defaults
/// (docs/postprocessing-aif360.md#reject-option).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectOptionSpec {
    /// Smallest classification threshold of the grid.
    #[serde(default = "default_low")]
    pub low_class_thresh: f64,
    /// Largest classification threshold of the grid.
    #[serde(default = "default_high")]
    pub high_class_thresh: f64,
    /// Thresholds in the grid.
    #[serde(default = "default_num_thresh")]
    pub num_class_thresh: usize,
    /// Margins tried per threshold.
    #[serde(default = "default_num_margin")]
    pub num_roc_margin: usize,
    /// The disparity bounded on the training rows.
    #[serde(default = "default_metric")]
    pub metric: Disparity,
    /// Lower bound on the disparity.
    #[serde(default = "default_lb")]
    pub metric_lb: f64,
    /// Upper bound on the disparity.
    #[serde(default = "default_ub")]
    pub metric_ub: f64,
    /// The privileged group's label (`column=value`); by default the group with the higher
    /// base rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<String>,
    /// Post-process a numeric column of the data instead of the estimator's scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
}

impl Default for RejectOptionSpec {
    fn default() -> Self {
        Self {
            low_class_thresh: default_low(),
            high_class_thresh: default_high(),
            num_class_thresh: default_num_thresh(),
            num_roc_margin: default_num_margin(),
            metric: default_metric(),
            metric_lb: default_lb(),
            metric_ub: default_ub(),
            privileged: None,
            score: None,
        }
    }
}

impl RejectOptionSpec {
    fn params(&self) -> RejectOptionParams {
        let params = RejectOptionParams::new()
            .low_class_thresh(self.low_class_thresh)
            .high_class_thresh(self.high_class_thresh)
            .num_class_thresh(self.num_class_thresh)
            .num_roc_margin(self.num_roc_margin)
            .metric(self.metric)
            .metric_lb(self.metric_lb)
            .metric_ub(self.metric_ub);
        match &self.privileged {
            Some(p) => params.privileged(p.clone()),
            None => params,
        }
    }
}

/// The short name of a disparity in method names.
fn short(d: Disparity) -> &'static str {
    match d {
        Disparity::StatisticalParityDifference => "spd",
        Disparity::AverageOddsDifference => "aod",
        Disparity::EqualOpportunityDifference => "eod",
    }
}

impl Method for RejectOptionSpec {
    fn family(&self) -> &'static str {
        "reject-option"
    }

    /// `reject-option`, or `reject-option-aod` / `-eod` for another bounded disparity.
    fn name(&self) -> String {
        match self.metric {
            Disparity::StatisticalParityDifference => self.family().into(),
            d => format!("{}-{}", self.family(), short(d)),
        }
    }

    on_scores!(RejectOption);
}

impl Rules for RejectOption {
    fn rules(&self) -> Vec<String> {
        let (t, m) = (self.classification_threshold(), self.roc_margin());
        let g = self.groups();
        vec![
            format!(
                "score > {:.3} -> 1; in the critical region {:.3} < score <= {:.3}: {} -> 0, {} -> 1",
                t,
                t - m,
                t + m,
                g.privileged,
                g.unprivileged
            ),
            format!(
                "training {} = {:.4} (bound {}), balanced accuracy {:.4}",
                self.metric(),
                self.train_metric(),
                if self.bound_met() { "met" } else { "not met" },
                self.train_balanced_accuracy()
            ),
        ]
    }
}

/// Equalized-odds post-processing's parameters (docs/postprocessing-aif360.md#eq-odds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EqOddsSpec {
    /// The base prediction is 1 iff the score is above it.
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// The privileged group's label; by default the group with the higher base rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<String>,
    /// Post-process a numeric column of the data instead of the estimator's scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
}

impl Default for EqOddsSpec {
    fn default() -> Self {
        Self {
            threshold: default_threshold(),
            privileged: None,
            score: None,
        }
    }
}

impl EqOddsSpec {
    fn params(&self) -> EqOddsParams {
        let params = EqOddsParams::new().threshold(self.threshold);
        match &self.privileged {
            Some(p) => params.privileged(p.clone()),
            None => params,
        }
    }
}

impl Method for EqOddsSpec {
    fn family(&self) -> &'static str {
        "eq-odds"
    }

    fn is_randomized(&self) -> bool {
        true
    }

    on_scores!(EqOdds);
}

impl Rules for EqOdds {
    fn rules(&self) -> Vec<String> {
        let g = self.groups();
        [
            (&g.privileged, self.privileged_rates()),
            (&g.unprivileged, self.unprivileged_rates()),
        ]
        .into_iter()
        .map(|(name, r)| {
            format!(
                "{name}: score > {:.3} -> 1 with p = {:.4}; else 1 with p = {:.4}",
                self.threshold(),
                r.p2p,
                r.n2p
            )
        })
        .collect()
    }
}

/// Calibrated equalized odds' parameters, AIF360's defaults
/// (docs/postprocessing-aif360.md#calibrated-eq-odds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibratedEqOddsSpec {
    /// The generalized rate equalized: `fnr`, `fpr` or `weighted`.
    #[serde(default = "default_cost")]
    pub cost_constraint: CostConstraint,
    /// A (possibly replaced) score gives label 1 iff it is at least this.
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// The privileged group's label; by default the group with the higher base rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<String>,
    /// Post-process a numeric column of the data (probabilities) instead of the estimator's
    /// scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
}

impl Default for CalibratedEqOddsSpec {
    fn default() -> Self {
        Self {
            cost_constraint: default_cost(),
            threshold: default_threshold(),
            privileged: None,
            score: None,
        }
    }
}

impl CalibratedEqOddsSpec {
    fn params(&self) -> CalibratedEqOddsParams {
        let params = CalibratedEqOddsParams::new()
            .cost_constraint(self.cost_constraint)
            .threshold(self.threshold);
        match &self.privileged {
            Some(p) => params.privileged(p.clone()),
            None => params,
        }
    }
}

impl Method for CalibratedEqOddsSpec {
    fn family(&self) -> &'static str {
        "calibrated-eq-odds"
    }

    /// `calibrated-eq-odds`, or `calibrated-eq-odds-fnr` / `-fpr` for another cost.
    fn name(&self) -> String {
        match self.cost_constraint {
            CostConstraint::Weighted => self.family().into(),
            c => format!("{}-{}", self.family(), c.name()),
        }
    }

    fn is_randomized(&self) -> bool {
        true
    }

    on_scores!(CalibratedEqOdds);
}

impl Rules for CalibratedEqOdds {
    fn rules(&self) -> Vec<String> {
        let g = self.groups();
        let e = self.replacement_probabilities();
        let br = self.base_rates();
        [(&g.unprivileged, 0), (&g.privileged, 1)]
            .into_iter()
            .map(|(name, k)| {
                format!(
                    "{name}: score replaced by the base rate {:.4} with p = {:.4} ({} cost {:.4})",
                    br[k],
                    e[k],
                    self.cost_constraint(),
                    self.costs()[k]
                )
            })
            .collect()
    }
}
