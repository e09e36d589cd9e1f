"""Fairlearn's `fairlearn.metrics` names, computed by fairkit's grouped report (Rust).

Metrics are given by name or by the Fairlearn / scikit-learn function they stand for
(`selection_rate`, `accuracy_score`, `recall_score`, ...); any other callable is refused with a
`ValueError` naming the ones fairkit computes. Labels and predictions are binary (0/1 or bool).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Union

import numpy as np

from . import _fairkit
from ._input import Sensitive, labels, pandas, weights

__all__ = [
    "MetricFrame",
    "count",
    "selection_rate",
    "mean_prediction",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "true_negative_rate",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "METRICS",
]

# Fairlearn / scikit-learn function names -> fairkit's metric names.
_ALIASES = {
    "count": "count",
    "selection_rate": "selection_rate",
    "mean_prediction": "selection_rate",
    "accuracy_score": "accuracy",
    "accuracy": "accuracy",
    "recall_score": "true_positive_rate",
    "true_positive_rate": "true_positive_rate",
    "tpr": "true_positive_rate",
    "false_positive_rate": "false_positive_rate",
    "fpr": "false_positive_rate",
    "false_negative_rate": "false_negative_rate",
    "fnr": "false_negative_rate",
    "true_negative_rate": "true_negative_rate",
    "tnr": "true_negative_rate",
    "precision_score": "positive_predictive_value",
    "positive_predictive_value": "positive_predictive_value",
    "negative_predictive_value": "negative_predictive_value",
    "balanced_accuracy_score": "balanced_accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "zero_one_loss": "error_rate",
    "error_rate": "error_rate",
    "base_rate": "base_rate",
}

#: The metric names MetricFrame accepts (strings or functions of these names).
METRICS = sorted(_ALIASES)


def _metric_name(m: Union[str, Callable]) -> str:
    key = m if isinstance(m, str) else getattr(m, "__name__", repr(m))
    if key not in _ALIASES:
        raise ValueError(
            f"fairkit does not compute the metric {key!r}; it computes {', '.join(METRICS)}"
        )
    return _ALIASES[key]


def _weights_from_sample_params(sample_params, keys, n):
    """The one sample weight shared by every metric's sample_params, or None."""
    if sample_params is None:
        return None
    if not isinstance(sample_params, dict):
        raise ValueError("sample_params must be a dict")
    if sample_params and all(not isinstance(v, dict) for v in sample_params.values()):
        sample_params = {k: sample_params for k in keys}
    found = None
    for k, params in sample_params.items():
        for p, v in params.items():
            if p != "sample_weight":
                raise ValueError(f"sample_params: fairkit takes only sample_weight, not {p!r}")
            w = weights(v, n)
            if found is not None and not np.array_equal(found, w):
                raise ValueError("sample_params: fairkit needs one sample_weight for all metrics")
            found = w
    return found


class MetricFrame:
    """Fairlearn's MetricFrame for binary classification metrics.

    `MetricFrame(metrics=..., y_true=..., y_pred=..., sensitive_features=...,
    sample_weight=None, sample_params=None)`: `metrics` is a name or function, or a dict of
    them. `sample_weight` (a fairkit addition) weights every metric; Fairlearn's
    `sample_params={"m": {"sample_weight": w}}` is accepted when every metric has the same
    weights. `overall`, `by_group`, `group_min()`, `group_max()`, `difference(method=...)` and
    `ratio(method=...)` return what Fairlearn's do (pandas objects when pandas is installed,
    else floats and dicts)."""

    def __init__(
        self,
        *,
        metrics: Union[str, Callable, Dict[str, Union[str, Callable]]],
        y_true: Any,
        y_pred: Any,
        sensitive_features: Any,
        control_features: Any = None,
        sample_params: Optional[dict] = None,
        sample_weight: Any = None,
        n_boot: Optional[int] = None,
        ci_quantiles: Any = None,
        random_state: Any = None,
    ):
        if control_features is not None:
            raise ValueError("fairkit's MetricFrame does not take control_features yet")
        if n_boot is not None or ci_quantiles is not None:
            raise ValueError("fairkit's MetricFrame does not bootstrap from Python yet")
        self._single = not isinstance(metrics, dict)
        if self._single:
            key = metrics if isinstance(metrics, str) else getattr(metrics, "__name__", "metric")
            metrics = {key: metrics}
        self._keys = list(metrics)
        self._names = {k: _metric_name(m) for k, m in metrics.items()}
        yt = labels("y_true", y_true)
        n = yt.shape[0]
        yp = labels("y_pred", y_pred, n)
        w = weights(sample_weight, n)
        if sample_params is not None:
            if w is not None:
                raise ValueError("give sample_weight or sample_params, not both")
            w = _weights_from_sample_params(sample_params, self._keys, n)
        self._sensitive = Sensitive(sensitive_features, n)
        self._args = (yt, yp, self._sensitive.groups, w)
        self._reports: Dict[str, Any] = {}

    def _report(self, method: str = "between_groups"):
        if method not in ("between_groups", "to_overall"):
            raise ValueError(f"method must be 'between_groups' or 'to_overall', got {method!r}")
        if method not in self._reports:
            self._reports[method] = _fairkit.grouped_report(*self._args, method=method)
        return self._reports[method]

    def _out(self, values: Dict[str, float]):
        pd = pandas()
        if self._single:
            return values[self._keys[0]]
        if pd is None:
            return dict(values)
        return pd.Series([values[k] for k in self._keys], index=self._keys, dtype=object)

    def _agg(self, position: int, method: str = "between_groups"):
        r = self._report(method)
        return self._out({k: r.aggregate(self._names[k])[position] for k in self._keys})

    @property
    def overall(self):
        """The metrics over all rows."""
        r = self._report()
        return self._out({k: r.overall(self._names[k]) for k in self._keys})

    @property
    def by_group(self):
        """The metrics of each group (NaN for an empty intersection)."""
        r = self._report()
        cols = {k: self._sensitive.reorder(r.by_group(self._names[k])) for k in self._keys}
        pd = pandas()
        if pd is None:
            keys = self._sensitive.keys()
            if self._single:
                return dict(zip(keys, cols[self._keys[0]].tolist()))
            return {k: dict(zip(keys, c.tolist())) for k, c in cols.items()}
        index = self._sensitive.index()
        if self._single:
            return pd.Series(cols[self._keys[0]], index=index, name=self._keys[0])
        return pd.DataFrame({k: cols[k] for k in self._keys}, index=index, dtype=object)

    @property
    def sensitive_levels(self):
        """The names of the sensitive features."""
        return list(self._sensitive.names)

    def group_min(self, errors: str = "raise"):
        """The smallest group value of each metric."""
        return self._agg(0)

    def group_max(self, errors: str = "raise"):
        """The largest group value of each metric."""
        return self._agg(1)

    def difference(self, method: str = "between_groups", errors: str = "coerce"):
        """`max - min` between groups, or the largest `|group - overall|` (`to_overall`)."""
        return self._agg(2 if method == "between_groups" else 3, method)

    def ratio(self, method: str = "between_groups", errors: str = "coerce"):
        """`min / max` between groups, or the smallest group/overall ratio (`to_overall`)."""
        return self._agg(4 if method == "between_groups" else 5, method)


def _overall(name: str, y_true, y_pred, sample_weight) -> float:
    yt = labels("y_true", y_true)
    n = yt.shape[0]
    one = _fairkit.SensitiveGroups(["all"], [["all"]], [np.zeros(n, dtype=np.int64)])
    r = _fairkit.grouped_report(yt, labels("y_pred", y_pred, n), one, weights(sample_weight, n))
    return r.overall(name)


def _check_pos_label(pos_label) -> None:
    if pos_label not in (None, 1, True):
        raise ValueError("fairkit's metrics take binary 0/1 labels with pos_label=1")


def count(y_true, y_pred) -> int:
    """The number of rows."""
    return int(labels("y_true", y_true).shape[0])


def selection_rate(y_true, y_pred, *, pos_label=1, sample_weight=None) -> float:
    """The (weighted) share of positive predictions."""
    _check_pos_label(pos_label)
    return _overall("selection_rate", y_true, y_pred, sample_weight)


def mean_prediction(y_true, y_pred, sample_weight=None) -> float:
    """The (weighted) mean of 0/1 predictions."""
    return _overall("selection_rate", y_true, y_pred, sample_weight)


def true_positive_rate(y_true, y_pred, sample_weight=None, pos_label=None) -> float:
    """TP / P."""
    _check_pos_label(pos_label)
    return _overall("true_positive_rate", y_true, y_pred, sample_weight)


def false_positive_rate(y_true, y_pred, sample_weight=None, pos_label=None) -> float:
    """FP / N."""
    _check_pos_label(pos_label)
    return _overall("false_positive_rate", y_true, y_pred, sample_weight)


def false_negative_rate(y_true, y_pred, sample_weight=None, pos_label=None) -> float:
    """FN / P."""
    _check_pos_label(pos_label)
    return _overall("false_negative_rate", y_true, y_pred, sample_weight)


def true_negative_rate(y_true, y_pred, sample_weight=None, pos_label=None) -> float:
    """TN / N."""
    _check_pos_label(pos_label)
    return _overall("true_negative_rate", y_true, y_pred, sample_weight)


def _disparity(name, y_true, y_pred, sensitive_features, method, sample_weight, agg="worst_case"):
    if method not in ("between_groups", "to_overall"):
        raise ValueError(f"method must be 'between_groups' or 'to_overall', got {method!r}")
    if agg not in ("worst_case", "mean"):
        raise ValueError(f"agg must be 'worst_case' or 'mean', got {agg!r}")
    yt = labels("y_true", y_true)
    n = yt.shape[0]
    s = Sensitive(sensitive_features, n)
    r = _fairkit.grouped_report(
        yt, labels("y_pred", y_pred, n), s.groups, weights(sample_weight, n), method, agg
    )
    return r.disparity(name)


def demographic_parity_difference(
    y_true, y_pred, *, sensitive_features, method="between_groups", sample_weight=None
) -> float:
    """Difference of selection rates."""
    return _disparity("demographic_parity_difference", y_true, y_pred, sensitive_features, method, sample_weight)


def demographic_parity_ratio(
    y_true, y_pred, *, sensitive_features, method="between_groups", sample_weight=None
) -> float:
    """Ratio of selection rates."""
    return _disparity("demographic_parity_ratio", y_true, y_pred, sensitive_features, method, sample_weight)


def equalized_odds_difference(
    y_true, y_pred, *, sensitive_features, method="between_groups", sample_weight=None, agg="worst_case"
) -> float:
    """The larger (or mean, `agg="mean"`) of the TPR and FPR differences."""
    return _disparity("equalized_odds_difference", y_true, y_pred, sensitive_features, method, sample_weight, agg)


def equalized_odds_ratio(
    y_true, y_pred, *, sensitive_features, method="between_groups", sample_weight=None, agg="worst_case"
) -> float:
    """The smaller (or mean) of the TPR and FPR ratios."""
    return _disparity("equalized_odds_ratio", y_true, y_pred, sensitive_features, method, sample_weight, agg)


def equal_opportunity_difference(
    y_true, y_pred, *, sensitive_features, method="between_groups", sample_weight=None
) -> float:
    """Difference of true positive rates."""
    return _disparity("equal_opportunity_difference", y_true, y_pred, sensitive_features, method, sample_weight)


def equal_opportunity_ratio(
    y_true, y_pred, *, sensitive_features, method="between_groups", sample_weight=None
) -> float:
    """Ratio of true positive rates."""
    return _disparity("equal_opportunity_ratio", y_true, y_pred, sensitive_features, method, sample_weight)
