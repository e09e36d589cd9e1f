//! The pre-processors that change the training labels or learn a representation
//! (docs/preprocessing.md#massaging, docs/preprocessing.md#learning-fair-representations):
//! massaging (the estimator ranks the rows, relabels, and is refitted on the new labels) and
//! learning fair representations (its own prototypes predict, or the estimator fitted on the
//! representation does).

use fairkit_core::{Error, FairDataset, Groups, Predictor};
use fairkit_learners::{Estimator, Model};
use fairkit_preprocessing::{FitFeatureTransform, Lfr, Massaging, RepairedModel};
use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::baseline::fit_estimator;
use super::{Fitted, FittedMethod, Method, MethodDetails};
use crate::Result;

/// Massaging's parameters (Kamiran and Calders 2012; AIF360 has no massaging).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MassagingSpec {
    /// The privileged group's label (`column=value`), whose positives may be demoted; by
    /// default the group with the higher base rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<String>,
    /// Rank the training rows by this numeric column of the data instead of the estimator's
    /// scores; the column is dropped before the estimator reads the rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
}

/// The encoded feature `name` of `train`, as a column index.
fn feature_index(train: &FairDataset, name: &str) -> Result<usize> {
    train
        .feature_names()
        .iter()
        .position(|n| n == name)
        .ok_or_else(|| {
            Error::invalid(
                "score",
                name,
                &format!(
                    "must be a numeric column of the data (the data encodes: {})",
                    train.feature_names().join(", ")
                ),
            )
            .into()
        })
}

/// `x` without its column `j`.
fn drop_column(x: ArrayView2<'_, f64>, j: usize) -> Array2<f64> {
    let keep: Vec<usize> = (0..x.ncols()).filter(|&c| c != j).collect();
    x.select(Axis(1), &keep)
}

impl Method for MassagingSpec {
    fn family(&self) -> &'static str {
        "massaging"
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        let mut params = Massaging::params();
        if let Some(p) = &self.privileged {
            params = params.privileged(p.clone());
        }
        // Both fits refuse weighted data before fitting anything: massaging counts rows.
        let (ranked, ranker_column) = match &self.score {
            Some(column) => {
                let j = feature_index(train, column)?;
                let scores = train.features().column(j).to_vec();
                let ranked = params.fit(train, &scores)?;
                let mut names = train.feature_names().to_vec();
                names.remove(j);
                let rest = FairDataset::with_names(
                    drop_column(train.features(), j),
                    train.labels().to_vec(),
                    train.groups().clone(),
                    names,
                )?;
                let column = RankerColumn {
                    name: column.clone(),
                    index: j,
                };
                (ranked, Some((rest, column)))
            }
            None => (params.fit_ranker(estimator, train)?, None),
        };
        let (data, ranker_column) = match ranker_column {
            Some((rest, column)) => (rest, Some(column)),
            None => (train.clone(), None),
        };
        let model = fit_estimator(estimator, &ranked.transform(&data)?)?;
        Ok(FittedMethod::Massaging(Massaged {
            massaging: ranked,
            ranker_column,
            model,
        }))
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::Massaging(m)
            if m.ranker_column.as_ref().map(|c| c.name.as_str()) == self.score.as_deref())
    }
}

/// The score column massaging ranked the rows by: its name and its index among the encoded
/// features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankerColumn {
    /// The column's name.
    pub name: String,
    /// Its index among the encoded features (dropped before the model reads the rows).
    pub index: usize,
}

/// Fitted massaging: which training rows changed label (`massaging`), and the estimator
/// fitted on the massaged labels (`model`), which predicts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Massaged {
    /// The relabelling of the training rows.
    pub massaging: Massaging,
    /// The score column that ranked the rows, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranker_column: Option<RankerColumn>,
    /// The estimator fitted on the massaged labels.
    pub model: Model,
}

impl Massaged {
    /// The rows as the model reads them: without the ranker's column.
    fn model_rows<'a>(&self, x: ArrayView2<'a, f64>) -> fairkit_core::Result<ModelRows<'a>> {
        Error::check_features(Predictor::n_features(self), x.ncols())?;
        Ok(match &self.ranker_column {
            Some(c) => ModelRows::Owned(drop_column(x, c.index)),
            None => ModelRows::View(x),
        })
    }
}

enum ModelRows<'a> {
    View(ArrayView2<'a, f64>),
    Owned(Array2<f64>),
}

impl ModelRows<'_> {
    fn view(&self) -> ArrayView2<'_, f64> {
        match self {
            ModelRows::View(v) => v.reborrow(),
            ModelRows::Owned(a) => a.view(),
        }
    }
}

impl Predictor for Massaged {
    fn n_features(&self) -> usize {
        self.model.n_features() + usize::from(self.ranker_column.is_some())
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> fairkit_core::Result<Vec<f64>> {
        self.model.expected(self.model_rows(x)?.view(), groups)
    }

    fn score(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Option<Vec<f64>>> {
        self.model.score(self.model_rows(x)?.view(), groups)
    }

    /// The model's checks, and a ranker column within the features.
    fn validate(&self) -> fairkit_core::Result<()> {
        Predictor::validate(&self.model)?;
        match &self.ranker_column {
            Some(c) if c.index > self.model.n_features() => Err(Error::inconsistent(
                "massaging",
                format!(
                    "its score column is feature {} of {}",
                    c.index + 1,
                    Predictor::n_features(self)
                ),
            )),
            _ => Ok(()),
        }
    }
}

impl Fitted for Massaged {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "massaging model"
    }

    fn details(&self) -> MethodDetails {
        let m = &self.massaging;
        let [p0, u0] = m.base_rates_before();
        let [p1, u1] = m.base_rates_after();
        MethodDetails {
            rules: vec![
                format!(
                    "relabelled {} of {} label-0 rows of {} to 1 and {} of {} label-1 rows of {} \
                     to 0 (M* = {:.4})",
                    m.m(),
                    m.promotion_candidates(),
                    m.unprivileged(),
                    m.m(),
                    m.demotion_candidates(),
                    m.privileged(),
                    m.m_exact()
                ),
                format!(
                    "training base rates: {} {p0:.4} -> {p1:.4}, {} {u0:.4} -> {u1:.4}",
                    m.privileged(),
                    m.unprivileged()
                ),
            ],
            ..MethodDetails::default()
        }
    }
}

fn five() -> usize {
    5
}
fn default_ax() -> f64 {
    0.01
}
fn one() -> f64 {
    1.0
}
fn fifty() -> f64 {
    50.0
}
fn default_maxiter() -> u64 {
    5000
}
fn half() -> f64 {
    0.5
}

/// The most prototypes LFR takes: each adds a column to every row's assignment.
const MAX_PROTOTYPES: usize = 1000;

/// LFR's parameters, AIF360's defaults (docs/preprocessing.md#learning-fair-representations).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LfrSpec {
    /// Number of prototypes (default 5).
    #[serde(default = "five")]
    pub k: usize,
    /// Weight of the reconstruction error (AIF360's `Ax`, default 0.01).
    #[serde(default = "default_ax", alias = "Ax")]
    pub ax: f64,
    /// Weight of the prediction log-loss (AIF360's `Ay`, default 1).
    #[serde(default = "one", alias = "Ay")]
    pub ay: f64,
    /// Weight of the groups' prototype-assignment gap (AIF360's `Az`, default 50).
    #[serde(default = "fifty", alias = "Az")]
    pub az: f64,
    /// L-BFGS iterations at most (AIF360's `maxiter`, default 5000).
    #[serde(default = "default_maxiter", alias = "maxiter")]
    pub max_iter: u64,
    /// LFR's own labels are 1 where the prototypes' label probability exceeds this
    /// (default 0.5).
    #[serde(default = "half")]
    pub threshold: f64,
    /// Fit the estimator on the representation and predict with it, instead of LFR's own
    /// labels (default off, as AIF360).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fit_estimator: bool,
}

impl Default for LfrSpec {
    fn default() -> Self {
        Self {
            k: five(),
            ax: default_ax(),
            ay: one(),
            az: fifty(),
            max_iter: default_maxiter(),
            threshold: half(),
            fit_estimator: false,
        }
    }
}

impl LfrSpec {
    /// Fits the representation on `train`, its initialization drawn from `seed`.
    ///
    /// # Errors
    /// Invalid parameters, more than [`MAX_PROTOTYPES`] prototypes, and every fit error of
    /// LFR.
    pub fn fit_lfr(&self, train: &FairDataset, seed: u64) -> Result<Lfr> {
        if self.k > MAX_PROTOTYPES {
            return Err(Error::invalid(
                "k",
                self.k,
                &format!("at most {MAX_PROTOTYPES} prototypes"),
            )
            .into());
        }
        Ok(Lfr::params()
            .k(self.k)
            .ax(self.ax)
            .ay(self.ay)
            .az(self.az)
            .max_iterations(self.max_iter)
            .threshold(self.threshold)
            .seed(seed)
            .fit(train)?)
    }
}

impl Method for LfrSpec {
    fn family(&self) -> &'static str {
        "lfr"
    }

    /// `lfr`, or `lfr-estimator` when the estimator predicts from the representation.
    fn name(&self) -> String {
        if self.fit_estimator {
            format!("{}-estimator", self.family())
        } else {
            self.family().into()
        }
    }

    fn own_learner(&self) -> Option<&'static str> {
        (!self.fit_estimator)
            .then_some("its own prototypes' label weights (--fit-estimator fits the estimator)")
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        self.fit_seeded(estimator, train, 0)
    }

    fn fit_seeded(
        &self,
        estimator: &Estimator,
        train: &FairDataset,
        seed: u64,
    ) -> Result<FittedMethod> {
        let lfr = self.fit_lfr(train, seed)?;
        if !self.fit_estimator {
            return Ok(FittedMethod::Lfr { model: lfr });
        }
        let represented = fairkit_preprocessing::FeatureTransform::transform(&lfr, train)?;
        let model = fit_estimator(estimator, &represented)?;
        Ok(FittedMethod::LfrEstimator(RepairedModel::new(lfr, model)))
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        if self.fit_estimator {
            matches!(fitted, FittedMethod::LfrEstimator(_))
        } else {
            matches!(fitted, FittedMethod::Lfr { .. })
        }
    }
}

fn lfr_details(lfr: &Lfr) -> MethodDetails {
    let loss = lfr.loss();
    MethodDetails {
        iterations: usize::try_from(lfr.iterations()).ok(),
        loss: Some(loss.total),
        converged: Some(lfr.converged()),
        rules: vec![format!(
            "objective terms: reconstruction {:.6}, prediction {:.6}, fairness {:.6} \
             (L-BFGS stopped: {})",
            loss.reconstruction,
            loss.prediction,
            loss.fairness,
            lfr.termination()
        )],
        ..MethodDetails::default()
    }
}

impl Fitted for Lfr {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "lfr model"
    }

    fn details(&self) -> MethodDetails {
        lfr_details(self)
    }
}

impl Fitted for RepairedModel<Lfr, Model> {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "lfr representation"
    }

    fn details(&self) -> MethodDetails {
        lfr_details(self.repair())
    }
}
