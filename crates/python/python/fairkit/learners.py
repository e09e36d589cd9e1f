"""fairkit's learners, fitted in Rust, with scikit-learn's fit / predict / predict_proba.

A learner is named by a string (`"logistic"`, `"tree"`, `"forest"`, `"naive-bayes"`, `"svm"`,
`"boosting"`), a dict (`{"name": "tree", "max_depth": 3}`, fairkit's parameter names), one of
the classes below, or a scikit-learn `LogisticRegression` / `DecisionTreeClassifier`, whose
parameters are translated (C, fit_intercept, max_iter, tol; max_depth, min_samples_split,
min_samples_leaf). The mitigators take any of these as `estimator`.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import numpy as np

from . import _fairkit
from ._input import labels, matrix, weights

__all__ = ["Learner", "LogisticRegression", "DecisionTreeClassifier", "spec"]


class Learner:
    """A fairkit learner by name with fairkit's parameter names:
    `Learner("tree", max_depth=3)`."""

    def __init__(self, name: str, **params: Any):
        self.name = name
        self.params = params
        self._model = None

    def _spec(self) -> Dict[str, Any]:
        return {"name": self.name, **self.params}

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        return dict(self.params)

    def fit(self, X, y, sample_weight=None):
        """Fits in Rust (the GIL is released)."""
        x = matrix("X", X)
        n = x.shape[0]
        self._model = _fairkit.fit_learner(
            json.dumps(self._spec()), x, labels("y", y, n), weights(sample_weight, n)
        )
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = self._model.n_features_in
        return self

    def _fitted(self):
        if self._model is None:
            raise ValueError(f"this {type(self).__name__} is not fitted yet; call fit first")
        return self._model

    def predict(self, X) -> np.ndarray:
        """Hard 0/1 labels."""
        return self._fitted().predict(matrix("X", X)).astype(np.int64)

    def score_samples(self, X) -> np.ndarray:
        """The positive-class score (a probability for probabilistic learners)."""
        return np.asarray(self._fitted().score(matrix("X", X)))

    def predict_proba(self, X) -> np.ndarray:
        """`[P(0), P(1)]` per row (scores of non-probabilistic learners as they are)."""
        p = self.score_samples(X)
        return np.column_stack([1.0 - p, p])

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({self.name!r}{', ' if args else ''}{args})"


class LogisticRegression(Learner):
    """fairkit's weighted logistic regression with scikit-learn's parameter names (L2 only;
    `C = 1/alpha`). `solver` is fairkit's: `"newton-cholesky"` (default) or `"lbfgs"`."""

    def __init__(
        self,
        C: float = 1.0,
        *,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        solver: str = "newton-cholesky",
    ):
        if not C > 0:
            raise ValueError(f"C must be > 0, got {C}")
        super().__init__(
            "logistic",
            alpha=1.0 / C,
            fit_intercept=fit_intercept,
            max_iterations=int(max_iter),
            gradient_tolerance=float(tol),
            solver=solver,
        )
        self.C = C


class DecisionTreeClassifier(Learner):
    """fairkit's exact decision tree with scikit-learn's parameter names."""

    def __init__(
        self,
        *,
        max_depth: Optional[int] = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
    ):
        super().__init__(
            "tree",
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
        )


def spec(estimator: Any) -> str:
    """The JSON the compiled core reads for any accepted estimator form."""
    if isinstance(estimator, str):
        return json.dumps({"name": estimator})
    if isinstance(estimator, dict):
        if "name" not in estimator:
            raise ValueError("an estimator dict needs a 'name'")
        return json.dumps(estimator)
    if isinstance(estimator, Learner):
        return json.dumps(estimator._spec())
    cls = type(estimator).__name__
    module = type(estimator).__module__ or ""
    if module.startswith("sklearn") and hasattr(estimator, "get_params"):
        p = estimator.get_params()
        if cls == "LogisticRegression":
            penalty = p.get("penalty", "l2")
            if penalty not in ("l2", "deprecated") or p.get("l1_ratio") not in (None, 0, 0.0):
                raise ValueError("fairkit's logistic regression is L2-penalised only")
            return json.dumps(LogisticRegression(
                C=p.get("C", 1.0),
                fit_intercept=p.get("fit_intercept", True),
                max_iter=p.get("max_iter", 100),
                tol=p.get("tol", 1e-4),
            )._spec())
        if cls == "DecisionTreeClassifier":
            return json.dumps(DecisionTreeClassifier(
                max_depth=p.get("max_depth"),
                min_samples_split=p.get("min_samples_split", 2),
                min_samples_leaf=p.get("min_samples_leaf", 1),
            )._spec())
    raise ValueError(
        f"fairkit fits its own learners in Rust; name one (\"logistic\", \"tree\", ...) or use "
        f"fairkit.learners.LogisticRegression / DecisionTreeClassifier, not {cls}"
    )
