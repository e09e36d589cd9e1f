"""Pre-processing, computed in Rust: reweighing (AIF360's `Reweighing`), the disparate-impact
remover (AIF360's `DisparateImpactRemover`) and Fairlearn's `CorrelationRemover`."""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from . import _fairkit
from ._input import Sensitive, labels, matrix, pandas, weights

__all__ = ["reweigh", "Reweighing", "DisparateImpactRemover", "CorrelationRemover"]


def reweigh(y, *, sensitive_features, sample_weight=None) -> np.ndarray:
    """Instance weights that make every group's weighted base rate the overall one
    (Kamiran and Calders 2012), keeping the total weight."""
    yy = labels("y", y)
    n = yy.shape[0]
    s = Sensitive(sensitive_features, n)
    return np.asarray(_fairkit.reweigh(yy, s.groups, weights(sample_weight, n)))


class Reweighing:
    """`Reweighing().fit_transform(y, sensitive_features=...)` returns the new weights."""

    def fit_transform(self, y, *, sensitive_features, sample_weight=None) -> np.ndarray:
        return reweigh(y, sensitive_features=sensitive_features, sample_weight=sample_weight)


class DisparateImpactRemover:
    """Repairs every feature towards the groups' common quantiles (Feldman et al. 2015);
    `repair_level` 1 is a full repair, 0 none. The sensitive features are given apart."""

    def __init__(self, repair_level: float = 1.0):
        self.repair_level = repair_level
        self._fit = None

    def fit(self, X, *, sensitive_features):
        x = matrix("X", X)
        s = Sensitive(sensitive_features, x.shape[0])
        self._fit = _fairkit.fit_disparate_impact_remover(x, s.groups, float(self.repair_level))
        return self

    def transform(self, X, *, sensitive_features):
        if self._fit is None:
            raise ValueError("this DisparateImpactRemover is not fitted yet; call fit first")
        x = matrix("X", X)
        return np.asarray(self._fit.transform(x, Sensitive(sensitive_features, x.shape[0]).groups))

    def fit_transform(self, X, *, sensitive_features):
        return self.fit(X, sensitive_features=sensitive_features).transform(
            X, sensitive_features=sensitive_features
        )


class CorrelationRemover:
    """Fairlearn's CorrelationRemover: `X` holds the sensitive columns named (or indexed) by
    `sensitive_feature_ids`; they are dropped and every other column is filtered so that its
    group means move onto the overall mean by `alpha`. fairkit regresses on the one-hot groups
    of the sensitive columns: Fairlearn's numbers exactly for one two-valued sensitive column,
    a different (per-group, not linear-in-the-codes) filter otherwise (docs/preprocessing.md)."""

    def __init__(self, *, sensitive_feature_ids: Sequence[Any], alpha: float = 1.0):
        self.sensitive_feature_ids = list(sensitive_feature_ids)
        self.alpha = alpha
        self._fit = None

    def _split(self, X):
        pd = pandas()
        if pd is not None and isinstance(X, pd.DataFrame):
            missing = [c for c in self.sensitive_feature_ids if c not in X.columns]
            if missing:
                raise ValueError(f"sensitive_feature_ids not in X: {missing}")
            return X.drop(columns=self.sensitive_feature_ids), X[self.sensitive_feature_ids]
        arr = np.asarray(X)
        if arr.ndim != 2:
            raise ValueError(f"X must be two-dimensional, got shape {arr.shape}")
        ids = [int(i) for i in self.sensitive_feature_ids]
        keep = [j for j in range(arr.shape[1]) if j not in ids]
        return arr[:, keep], arr[:, ids]

    def fit(self, X, y=None):
        x, sf = self._split(X)
        x = matrix("X", x)
        s = Sensitive(sf, x.shape[0])
        self._fit = _fairkit.fit_correlation_remover(x, s.groups, float(self.alpha))
        return self

    def transform(self, X) -> np.ndarray:
        if self._fit is None:
            raise ValueError("this CorrelationRemover is not fitted yet; call fit first")
        x, sf = self._split(X)
        x = matrix("X", x)
        return np.asarray(self._fit.transform(x, Sensitive(sf, x.shape[0]).groups))

    def fit_transform(self, X, y=None) -> np.ndarray:
        return self.fit(X).transform(X)
