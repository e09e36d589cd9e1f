//! GridSearch (docs/reductions.md#grid-search): fit the base learner at every point of a grid of
//! multipliers and keep the best trade-off between error and constraint violation. A deterministic
//! classifier.

mod grid;

pub use grid::{GRID_DIMENSION_WARN_THRESHOLD, GridWarning, generate_grid, integer_grid};

use fairkit_core::{
    Classifier, Error, FairDataset, FeatureCache, Groups, Learner, Predictor,
    require_weight_support,
};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::hypothesis::{Hypothesis, TrainedGroups, check_hypotheses, fit_best_response};
use crate::moments::{LoadedMoment, Moment};
use crate::{ErrorRate, FitReduction, ReductionsError, Result};

/// How GridSearch picks its predictor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SelectionRule {
    /// Minimise `(1 − w)·error + w·max_j γ_j` with `w` the constraint weight (raw `γ`, no
    /// bound subtracted). The first minimiser wins.
    #[default]
    TradeoffOptimization,
}

/// The checked parameters of [`GridSearch`] (docs/reductions.md#grid-search-parameters); made
/// by [`GridSearchParams::check`](ParamGuard::check), fitted with [`FitReduction::fit`].
///
/// | parameter | default |
/// |---|---|
/// | `selection_rule` | [`SelectionRule::TradeoffOptimization`] |
/// | `constraint_weight` | 0.5, in `[0, 1]` |
/// | `grid_size` | 10, ≥ 1 and at most 10^5 ([`fairkit_core::limits::GRID_POINTS`]) |
/// | `grid_limit` | 2.0 |
/// | `grid_offset` | none (0) |
/// | `grid` | none: generated; a user grid of multiplier vectors replaces it |
/// | `objective` | `ErrorRate::default()` |
#[derive(Debug, Clone)]
pub struct GridSearchValidParams<L, C> {
    learner: L,
    constraints: C,
    objective: ErrorRate,
    selection_rule: SelectionRule,
    constraint_weight: f64,
    grid_size: usize,
    grid_limit: f64,
    grid_offset: Option<Vec<f64>>,
    grid: Option<Vec<Vec<f64>>>,
}

/// The unchecked parameters of [`GridSearch`], a consuming builder (linfa's idiom):
/// [`check`](ParamGuard::check) gives the [`GridSearchValidParams`], and
/// [`FitReduction::fit`] checks them first.
#[derive(Debug, Clone)]
pub struct GridSearchParams<L, C>(GridSearchValidParams<L, C>);

impl<L: Learner, C: Moment> GridSearchParams<L, C> {
    /// Sets the selection rule.
    pub fn selection_rule(mut self, rule: SelectionRule) -> Self {
        self.0.selection_rule = rule;
        self
    }

    /// Sets the weight of the constraint violation in the selection loss.
    pub fn constraint_weight(mut self, weight: f64) -> Self {
        self.0.constraint_weight = weight;
        self
    }

    /// Sets the number of grid points.
    pub fn grid_size(mut self, size: usize) -> Self {
        self.0.grid_size = size;
        self
    }

    /// Sets the largest multiplier of the generated grid.
    pub fn grid_limit(mut self, limit: f64) -> Self {
        self.0.grid_limit = limit;
        self
    }

    /// Shifts every generated point by this vector (one entry per constraint).
    pub fn grid_offset(mut self, offset: Option<Vec<f64>>) -> Self {
        self.0.grid_offset = offset;
        self
    }

    /// Uses these multiplier vectors (one entry per constraint each) instead of generating.
    pub fn grid(mut self, grid: Option<Vec<Vec<f64>>>) -> Self {
        self.0.grid = grid;
        self
    }

    /// Sets the objective (error costs).
    pub fn objective(mut self, objective: ErrorRate) -> Self {
        self.0.objective = objective;
        self
    }
}

impl<L: Learner, C: Moment> ParamGuard for GridSearchParams<L, C> {
    type Checked = GridSearchValidParams<L, C>;
    type Error = ReductionsError;

    /// Checks the parameters that do not depend on the data.
    ///
    /// # Errors
    /// A constraint weight outside `[0, 1]`, `grid_size = 0`, a grid limit that is not finite,
    /// invalid costs, or a learner that ignores sample weights.
    fn check_ref(&self) -> Result<&Self::Checked> {
        let p = &self.0;
        if !(0.0..=1.0).contains(&p.constraint_weight) {
            return Err(Error::invalid(
                "constraint_weight",
                p.constraint_weight,
                "must be in [0, 1]",
            )
            .into());
        }
        if p.grid_size == 0 {
            return Err(Error::invalid("grid_size", 0, "must be at least 1").into());
        }
        fairkit_core::limits::GRID_POINTS.check_usize("grid_size", p.grid_size)?;
        if !p.grid_limit.is_finite() {
            return Err(Error::invalid("grid_limit", p.grid_limit, "must be finite").into());
        }
        p.objective.check()?;
        require_weight_support(&p.learner, "grid search")?;
        Ok(p)
    }

    fn check(self) -> Result<Self::Checked> {
        self.check_ref()?;
        Ok(self.0)
    }
}

impl<L: Learner, C: Moment> GridSearchValidParams<L, C> {
    /// The grid for loaded constraints: the user grid or a generated one, checked.
    fn make_grid(&self, constraints: &C::Loaded) -> Result<(Vec<Vec<f64>>, Vec<GridWarning>)> {
        let m = constraints.n_constraints();
        let check_vector = |what: &str, v: &[f64]| -> Result<()> {
            Error::check_len(what, m, v.len())?;
            match v.iter().find(|x| !x.is_finite()) {
                Some(x) => Err(Error::invalid(what, x, "must be finite").into()),
                None => Ok(()),
            }
        };
        if let Some(grid) = &self.grid {
            if grid.is_empty() {
                return Err(Error::Empty {
                    what: "grid".into(),
                }
                .into());
            }
            for column in grid {
                check_vector("grid column", column)?;
            }
            return Ok((grid.clone(), Vec::new()));
        }
        if let Some(offset) = &self.grid_offset {
            check_vector("grid_offset", offset)?;
        }
        Ok(generate_grid(
            &constraints.grid_basis(),
            m,
            self.grid_size,
            self.grid_limit,
            self.grid_offset.as_deref(),
        ))
    }
}

impl<L: Learner, C: Moment> FitReduction for GridSearchValidParams<L, C> {
    type Object = GridSearch<L::Model>;

    /// Fits one model per grid point, in parallel on the current rayon pool, and selects the best
    /// (docs/reductions.md#fitting-and-selection). Results do not depend on the number of threads.
    ///
    /// # Errors
    /// Data the constraint cannot be loaded on, a grid whose vectors do not match the
    /// constraint count, or a failing base learner (the first failure in grid order).
    fn fit(&self, data: &FairDataset) -> Result<GridSearch<L::Model>> {
        let constraints = self.constraints.load(data)?;
        let objective = self.objective.load(data)?;
        let (grid, warnings) = self.make_grid(&constraints)?;
        let objective_sw = objective.signed_weights();
        let in_span = constraints.grid_basis().objective_in_span;
        let x = data.features();
        // One cache for every grid point: the first fit fills it, the others wait and share it.
        let cache = FeatureCache::new();
        let points: Vec<Result<GridPoint<L::Model>>> = grid
            .par_iter()
            .map(|lambda| {
                let mut signed = constraints.signed_weights(lambda);
                if !in_span {
                    for (s, o) in signed.iter_mut().zip(&objective_sw) {
                        *s += o;
                    }
                }
                let fit = fit_best_response(&self.learner, x, &signed, false, None, &cache)?;
                Ok(GridPoint {
                    objective: objective.error(&fit.predictions),
                    gamma: constraints.gamma(&fit.predictions),
                    hypothesis: fit.hypothesis,
                    seconds: fit.seconds,
                })
            })
            .collect();
        let points = points.into_iter().collect::<Result<Vec<_>>>()?;

        let w = self.constraint_weight;
        let losses: Vec<f64> = points
            .iter()
            .map(|p| {
                let max_gamma = p.gamma.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (1.0 - w) * p.objective + w * max_gamma
            })
            .collect();
        let mut best_idx = 0;
        for (i, &loss) in losses.iter().enumerate() {
            if loss < losses[best_idx] {
                best_idx = i;
            }
        }
        let n_constant_fallbacks = points
            .iter()
            .filter(|p| matches!(p.hypothesis, Hypothesis::Constant(_)))
            .count();
        let mut out = GridSearch {
            predictors: Vec::with_capacity(points.len()),
            objectives: Vec::with_capacity(points.len()),
            gammas: Vec::with_capacity(points.len()),
            oracle_seconds: Vec::with_capacity(points.len()),
            lambdas: grid,
            losses,
            best_idx,
            n_constant_fallbacks,
            warnings,
            constraint_labels: constraints.constraint_labels(),
            n_features: data.n_features(),
            groups: TrainedGroups::of(data.groups()),
        };
        for p in points {
            out.predictors.push(p.hypothesis);
            out.objectives.push(p.objective);
            out.gammas.push(p.gamma);
            out.oracle_seconds.push(p.seconds);
        }
        Ok(out)
    }
}

struct GridPoint<M> {
    hypothesis: Hypothesis<M>,
    objective: f64,
    gamma: Vec<f64>,
    seconds: f64,
}

/// A fitted GridSearch: one predictor per grid point and the selected one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridSearch<M> {
    predictors: Vec<Hypothesis<M>>,
    lambdas: Vec<Vec<f64>>,
    objectives: Vec<f64>,
    gammas: Vec<Vec<f64>>,
    losses: Vec<f64>,
    best_idx: usize,
    oracle_seconds: Vec<f64>,
    n_constant_fallbacks: usize,
    warnings: Vec<GridWarning>,
    constraint_labels: Vec<String>,
    n_features: usize,
    groups: TrainedGroups,
}

impl<M> GridSearch<M> {
    /// The parameters, with the defaults of docs/reductions.md#grid-search-parameters, for a base
    /// learner and a constraint.
    pub fn params<L, C>(learner: L, constraints: C) -> GridSearchParams<L, C>
    where
        L: Learner<Model = M>,
        C: Moment,
    {
        GridSearchParams(GridSearchValidParams {
            learner,
            constraints,
            objective: ErrorRate::default(),
            selection_rule: SelectionRule::default(),
            constraint_weight: 0.5,
            grid_size: 10,
            grid_limit: 2.0,
            grid_offset: None,
            grid: None,
        })
    }

    /// One predictor per grid point (`predictors_`).
    pub fn predictors(&self) -> &[Hypothesis<M>] {
        &self.predictors
    }

    /// The multiplier vector of every grid point (`lambda_vecs_`).
    pub fn lambdas(&self) -> &[Vec<f64>] {
        &self.lambdas
    }

    /// The training error of every predictor (`objectives_`).
    pub fn objectives(&self) -> &[f64] {
        &self.objectives
    }

    /// The constraint values of every predictor (`gammas_`).
    pub fn gammas(&self) -> &[Vec<f64>] {
        &self.gammas
    }

    /// The selection loss of every predictor.
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// The index of the selected predictor (`best_idx_`).
    pub fn best_index(&self) -> usize {
        self.best_idx
    }

    /// The selected predictor.
    pub fn best(&self) -> &Hypothesis<M> {
        &self.predictors[self.best_idx]
    }

    /// Seconds of every base-learner fit (`oracle_execution_times_`).
    pub fn oracle_seconds(&self) -> &[f64] {
        &self.oracle_seconds
    }

    /// Grid points answered by a constant because the relabelled data had one class.
    pub fn n_constant_fallbacks(&self) -> usize {
        self.n_constant_fallbacks
    }

    /// The warnings fairlearn logs about the generated grid.
    pub fn warnings(&self) -> &[GridWarning] {
        &self.warnings
    }

    /// The constraint labels, in the order of every `γ` and `λ` vector.
    pub fn constraint_labels(&self) -> &[String] {
        &self.constraint_labels
    }

    /// Errors when `groups` holds a group unseen in training (see [`TrainedGroups::check`]).
    ///
    /// # Errors
    /// [`fairkit_core::Error::UnseenGroup`].
    pub fn check_groups(&self, groups: &Groups) -> fairkit_core::Result<()> {
        self.groups.check(groups)
    }
}

impl<M: Classifier> GridSearch<M> {
    /// Number of features it was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Checks that a deserialized grid is consistent, so that predicting cannot panic: the
    /// selected index is a predictor, and every learned predictor was fitted on
    /// [`n_features`](Self::n_features) features. The predictors' own models are for the
    /// caller to check.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`] naming what does not fit.
    pub fn validate(&self) -> fairkit_core::Result<()> {
        if self.best_idx >= self.predictors.len() {
            return Err(Error::inconsistent(
                "grid search",
                format!(
                    "the selected predictor {} is not one of the {}",
                    self.best_idx,
                    self.predictors.len()
                ),
            ));
        }
        check_hypotheses("grid search", &self.predictors, self.n_features)
    }

    /// The selected predictor's labels (deterministic).
    ///
    /// # Errors
    /// A feature count other than the training one.
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> fairkit_core::Result<Array1<bool>> {
        Error::check_features(self.n_features, x.ncols())?;
        Ok(self.best().predict(x))
    }

    /// The selected predictor's score (its probability of label 1 where the model has one).
    ///
    /// # Errors
    /// A feature count other than the training one.
    pub fn score(&self, x: ArrayView2<'_, f64>) -> fairkit_core::Result<Array1<f64>> {
        Error::check_features(self.n_features, x.ncols())?;
        Ok(self.best().score(x))
    }
}

/// A deterministic predictor: the selected model's labels and scores, after refusing groups
/// unseen in training; every model of the grid is checked as well as the selection.
impl<M: Classifier + Predictor> Predictor for GridSearch<M> {
    fn n_features(&self) -> usize {
        self.n_features
    }

    fn check_groups(&self, groups: &Groups) -> fairkit_core::Result<()> {
        self.groups.check(groups)
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> fairkit_core::Result<Vec<f64>> {
        self.groups.check(groups)?;
        Ok(GridSearch::predict(self, x)?
            .iter()
            .map(|&l| f64::from(u8::from(l)))
            .collect())
    }

    fn score(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Option<Vec<f64>>> {
        self.groups.check(groups)?;
        Ok(Some(GridSearch::score(self, x)?.to_vec()))
    }

    fn validate(&self) -> fairkit_core::Result<()> {
        GridSearch::validate(self)?;
        self.predictors
            .iter()
            .filter_map(Hypothesis::model)
            .try_for_each(Predictor::validate)
    }
}
