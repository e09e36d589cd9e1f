"""Fairlearn's `fairlearn.postprocessing.ThresholdOptimizer`, fitted in Rust.

The estimator gives the scores that are thresholded per group:

* a fairkit learner (a name, dict or `fairkit.learners` object; see `fairkit.learners`) is
  fitted in Rust, unless `prefit=True` and it is already fitted;
* any scikit-learn-like estimator is fitted (a clone, as Fairlearn does) or used as it is with
  `prefit=True`; its scores come from `predict_method` (`"auto"`: `predict_proba`, else
  `decision_function`, else `predict`);
* `estimator=None` with `prefit=True` (a fairkit addition): `X` is the score column itself.

As in Fairlearn, `sample_weight` reaches the estimator only; the threshold search is unweighted.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _fairkit
from ._input import Sensitive, labels, matrix, seed, vector, weights
from .learners import Learner, spec

__all__ = ["ThresholdOptimizer"]

_FAIRKIT_NAMES = (str, dict, Learner)


class ThresholdOptimizer:
    """Fairlearn's ThresholdOptimizer (Hardt, Price and Srebro 2016)."""

    def __init__(
        self,
        *,
        estimator: Any = None,
        constraints: str = "demographic_parity",
        objective: str = "accuracy_score",
        grid_size: int = 1000,
        flip: bool = False,
        prefit: bool = False,
        predict_method: str = "auto",
        tol: Optional[float] = None,
    ):
        self.estimator = estimator
        self.constraints = constraints
        self.objective = objective
        self.grid_size = grid_size
        self.flip = flip
        self.prefit = prefit
        self.predict_method = predict_method
        self.tol = tol
        self._fit = None

    def _scores(self, X) -> np.ndarray:
        est = self.estimator_
        if est is None:
            return vector("X (scores)", X)
        if isinstance(est, Learner):
            return est.score_samples(X)
        method = self.predict_method
        if method in ("auto", "deprecated"):
            for m in ("predict_proba", "decision_function", "predict"):
                if hasattr(est, m):
                    method = m
                    break
        out = np.asarray(getattr(est, method)(X))
        if method == "predict_proba":
            out = out[:, 1]
        return vector("scores", out)

    def fit(self, X, y, *, sensitive_features=None, **kwargs):
        """Fits (or takes) the estimator, then the per-group thresholds."""
        w = kwargs.pop("sample_weight", None)
        if kwargs:
            raise ValueError(f"unexpected fit arguments: {', '.join(kwargs)}")
        est = self.estimator
        if est is None and not self.prefit:
            raise ValueError("estimator=None needs prefit=True (X is then the score column)")
        if est is None:
            self.estimator_ = None
        elif isinstance(est, _FAIRKIT_NAMES):
            if self.prefit and isinstance(est, Learner):
                self.estimator_ = est
            else:
                learner = est if isinstance(est, Learner) else Learner("_")
                if not isinstance(est, Learner):
                    import json

                    d = json.loads(spec(est))
                    learner = Learner(d.pop("name"), **d)
                else:
                    learner = Learner(est.name, **est.params)
                self.estimator_ = learner.fit(X, y, sample_weight=w)
        elif self.prefit:
            self.estimator_ = est
        else:
            from sklearn.base import clone

            fitted = clone(est)
            if w is not None:
                fitted.fit(X, y, sample_weight=w)
            else:
                fitted.fit(X, y)
            self.estimator_ = fitted
        scores = self._scores(X)
        n = scores.shape[0]
        s = Sensitive(sensitive_features, n)
        self._fit = _fairkit.fit_thresholds(
            scores, labels("y", y, n), s.groups, None,
            self.constraints, self.objective, int(self.grid_size), bool(self.flip), self.tol,
        )
        self.interpolated_thresholder_ = self._fit
        return self

    def _fitted(self):
        if self._fit is None:
            raise ValueError("this ThresholdOptimizer is not fitted yet; call fit first")
        return self._fit

    def _pmf_predict(self, X, *, sensitive_features=None) -> np.ndarray:
        """`[P(0), P(1)]` of each row."""
        f = self._fitted()
        scores = self._scores(X)
        s = Sensitive(sensitive_features, scores.shape[0])
        p = np.asarray(f.probability(scores, s.groups))
        return np.column_stack([1.0 - p, p])

    def predict(self, X, *, sensitive_features=None, random_state=None) -> np.ndarray:
        """0/1 labels sampled with an explicit seed (fairkit's generator)."""
        f = self._fitted()
        scores = self._scores(X)
        s = Sensitive(sensitive_features, scores.shape[0])
        return np.asarray(f.predict(scores, s.groups, seed(random_state))).astype(np.int64)

    def describe(self):
        """One line per group: its thresholds and mixing probabilities."""
        return self._fitted().describe()
