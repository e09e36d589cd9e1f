"""Fairlearn's `fairlearn.reductions`: ExponentiatedGradient and GridSearch, fitted in Rust.

Constraints are fairkit's classes below (Fairlearn's names and keyword arguments), Fairlearn's
own constraint objects, or their names. The estimator is a fairkit learner (see
`fairkit.learners`): a name, a dict, a `fairkit.learners` object or a scikit-learn
`LogisticRegression` / `DecisionTreeClassifier` whose parameters are translated.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _fairkit
from ._input import Sensitive, labels, matrix, pandas, seed, weights
from .learners import spec

__all__ = [
    "ExponentiatedGradient",
    "GridSearch",
    "DemographicParity",
    "EqualizedOdds",
    "TruePositiveRateParity",
    "FalsePositiveRateParity",
    "ErrorRateParity",
]


class _Parity:
    _kind = ""

    def __init__(self, *, difference_bound=None, ratio_bound=None, ratio_bound_slack=0.0):
        if difference_bound is not None and ratio_bound is not None:
            raise ValueError("give at most one of difference_bound and ratio_bound")
        self.difference_bound = difference_bound
        self.ratio_bound = ratio_bound
        self.ratio_bound_slack = ratio_bound_slack

    def _args(self):
        return (self._kind, self.difference_bound, self.ratio_bound, float(self.ratio_bound_slack))

    def __repr__(self) -> str:
        return f"{self._kind}(difference_bound={self.difference_bound}, ratio_bound={self.ratio_bound})"


class DemographicParity(_Parity):
    """Equal selection rates."""

    _kind = "DemographicParity"


class EqualizedOdds(_Parity):
    """Equal true and false positive rates."""

    _kind = "EqualizedOdds"


class TruePositiveRateParity(_Parity):
    """Equal true positive rates (equal opportunity)."""

    _kind = "TruePositiveRateParity"


class FalsePositiveRateParity(_Parity):
    """Equal false positive rates."""

    _kind = "FalsePositiveRateParity"


class ErrorRateParity(_Parity):
    """Equal error rates."""

    _kind = "ErrorRateParity"


_BY_NAME = {
    c._kind: c
    for c in (DemographicParity, EqualizedOdds, TruePositiveRateParity, FalsePositiveRateParity, ErrorRateParity)
}
_SNAKE = {
    "demographic_parity": "DemographicParity",
    "equalized_odds": "EqualizedOdds",
    "true_positive_rate_parity": "TruePositiveRateParity",
    "equal_opportunity": "TruePositiveRateParity",
    "false_positive_rate_parity": "FalsePositiveRateParity",
    "error_rate_parity": "ErrorRateParity",
}


def _constraint_args(c: Any):
    if isinstance(c, _Parity):
        return c._args()
    if isinstance(c, str):
        kind = _SNAKE.get(c, c)
        if kind not in _BY_NAME:
            raise ValueError(f"unknown constraint {c!r}; fairkit has {', '.join(sorted(_SNAKE))}")
        return (kind, None, None, 0.0)
    kind = type(c).__name__
    if kind in _BY_NAME and hasattr(c, "eps") and hasattr(c, "ratio"):
        # A Fairlearn constraint object: eps is the difference bound (ratio 1) or the slack.
        if float(c.ratio) == 1.0:
            return (kind, float(c.eps), None, 0.0)
        return (kind, None, float(c.ratio), float(c.eps))
    raise ValueError(f"unsupported constraint {c!r}")


def _fit_inputs(X, y, sensitive_features, sample_weight):
    x = matrix("X", X)
    n = x.shape[0]
    return x, labels("y", y, n), Sensitive(sensitive_features, n), weights(sample_weight, n)


class _MixturePredictor:
    """One predictor of a fitted mixture (positive-class score and labels)."""

    def __init__(self, fit, i):
        self._fit, self._i = fit, i

    def predict_proba(self, X):
        p = np.asarray(self._fit.predictor_score(self._i, matrix("X", X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] > 0.5).astype(np.int64)


def _reduction_inputs(mitigator, X, y, sensitive_features, kwargs):
    """The arrays and constraint arguments of a reduction's `fit`; the sample weights are the
    keyword named by `mitigator.sample_weight_name`, any other keyword is refused."""
    w = kwargs.pop(mitigator.sample_weight_name, None)
    if kwargs:
        raise ValueError(f"unexpected fit arguments: {', '.join(kwargs)}")
    x, yy, s, w = _fit_inputs(X, y, sensitive_features, w)
    return x, yy, s, w, _constraint_args(mitigator.constraints)


class ExponentiatedGradient:
    """Fairlearn's ExponentiatedGradient (Agarwal et al. 2018), fitted in Rust.

    `predict(X, random_state=None)` samples labels from the mixture with an explicit seed
    (fairkit's generator: the same seed gives the same labels, not Fairlearn's labels);
    `_pmf_predict(X)` is the deterministic `[P(0), P(1)]`."""

    def __init__(
        self,
        estimator: Any,
        constraints: Any,
        *,
        objective: Any = None,
        eps: float = 0.01,
        max_iter: int = 50,
        nu: Optional[float] = None,
        eta0: float = 2.0,
        run_linprog_step: bool = True,
        sample_weight_name: str = "sample_weight",
    ):
        if objective is not None:
            raise ValueError("fairkit's ExponentiatedGradient minimises the error rate (objective=None)")
        self.estimator = estimator
        self.constraints = constraints
        self.eps = eps
        self.max_iter = max_iter
        self.nu = nu
        self.eta0 = eta0
        self.run_linprog_step = run_linprog_step
        self.sample_weight_name = sample_weight_name
        self._fit = None

    def fit(self, X, y, *, sensitive_features=None, **kwargs):
        """Fits the mixture (the GIL is released while Rust runs)."""
        x, yy, s, w, (kind, d, r, slack) = _reduction_inputs(self, X, y, sensitive_features, kwargs)
        self._fit = _fairkit.fit_exponentiated_gradient(
            spec(self.estimator), kind, d, r, slack, x, yy, s.groups, w,
            float(self.eps), int(self.max_iter), self.nu, float(self.eta0), bool(self.run_linprog_step),
        )
        f = self._fit
        pd = pandas()
        self.weights_ = pd.Series(f.weights) if pd is not None else np.asarray(f.weights)
        self.predictors_ = [_MixturePredictor(f, i) for i in range(f.n_predictors)]
        self.n_oracle_calls_ = f.n_oracle_calls
        self.best_gap_ = f.best_gap
        self.best_iter_ = f.best_iteration
        self.last_iter_ = f.last_iteration
        self.lambda_vecs_ = (
            pd.DataFrame(np.asarray(f.lambda_history).T, index=f.constraint_labels)
            if pd is not None and f.lambda_history
            else np.asarray(f.lambda_history)
        )
        return self

    def _fitted(self):
        if self._fit is None:
            raise ValueError("this ExponentiatedGradient is not fitted yet; call fit first")
        return self._fit

    def _pmf_predict(self, X) -> np.ndarray:
        """`[P(0), P(1)]` of each row under the mixture."""
        return np.asarray(self._fitted().pmf_predict(matrix("X", X)))

    def predict(self, X, random_state=None) -> np.ndarray:
        """0/1 labels sampled from the mixture."""
        return np.asarray(self._fitted().predict(matrix("X", X), seed(random_state))).astype(np.int64)


class GridSearch:
    """Fairlearn's GridSearch, fitted in Rust (one model per grid point, in parallel)."""

    def __init__(
        self,
        estimator: Any,
        constraints: Any,
        selection_rule: str = "tradeoff_optimization",
        constraint_weight: float = 0.5,
        grid_size: int = 10,
        grid_limit: float = 2.0,
        grid_offset: Any = None,
        grid: Any = None,
        sample_weight_name: str = "sample_weight",
    ):
        if selection_rule != "tradeoff_optimization":
            raise ValueError("selection_rule must be 'tradeoff_optimization'")
        if grid_offset is not None:
            raise ValueError("fairkit's GridSearch from Python takes no grid_offset yet")
        self.estimator = estimator
        self.constraints = constraints
        self.constraint_weight = constraint_weight
        self.grid_size = grid_size
        self.grid_limit = grid_limit
        self.grid = grid
        self.sample_weight_name = sample_weight_name
        self._fit = None

    def fit(self, X, y, *, sensitive_features=None, **kwargs):
        """Fits every grid point (the GIL is released while Rust runs)."""
        x, yy, s, w, (kind, d, r, slack) = _reduction_inputs(self, X, y, sensitive_features, kwargs)
        grid = None
        if self.grid is not None:
            g = self.grid
            # Fairlearn's grid is a DataFrame with one column per grid point.
            grid = np.asarray(g.to_numpy() if hasattr(g, "to_numpy") else g, dtype=float).T.tolist()
        self._fit = _fairkit.fit_grid_search(
            spec(self.estimator), kind, d, r, slack, x, yy, s.groups, w,
            float(self.constraint_weight), int(self.grid_size), float(self.grid_limit), grid,
        )
        f = self._fit
        pd = pandas()
        self.predictors_ = [_GridPredictor(f, i) for i in range(f.n_predictors)]
        self.best_idx_ = f.best_index
        self.objectives_ = list(f.objectives)
        self.gammas_ = (
            pd.DataFrame(np.asarray(f.gammas).T, index=f.constraint_labels)
            if pd is not None
            else np.asarray(f.gammas)
        )
        self.lambda_vecs_ = (
            pd.DataFrame(np.asarray(f.lambdas).T, index=f.constraint_labels)
            if pd is not None
            else np.asarray(f.lambdas)
        )
        return self

    def _fitted(self):
        if self._fit is None:
            raise ValueError("this GridSearch is not fitted yet; call fit first")
        return self._fit

    def predict(self, X) -> np.ndarray:
        """Labels of the best predictor."""
        return np.asarray(self._fitted().predict(matrix("X", X))).astype(np.int64)

    def predict_proba(self, X) -> np.ndarray:
        """`[P(0), P(1)]` of the best predictor."""
        p = np.asarray(self._fitted().score(matrix("X", X)))
        return np.column_stack([1.0 - p, p])


class _GridPredictor:
    """A placeholder for one fitted grid point (its index in the fit)."""

    def __init__(self, fit, i):
        self._fit, self.index = fit, i
