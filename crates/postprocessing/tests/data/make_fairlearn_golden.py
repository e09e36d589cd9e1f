"""Regenerates fairlearn_golden.json: ThresholdOptimizer runs of Fairlearn 0.15.0 on seeded
random score data, for the exact comparison in tests/golden.rs.

Run with a Python that has fairlearn 0.15.0 (and numpy, pandas, scikit-learn):
    python make_fairlearn_golden.py > fairlearn_golden.json
"""
import json
import math
import warnings

import numpy as np
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import BaseEstimator, ClassifierMixin

warnings.filterwarnings("ignore")


class Identity(BaseEstimator, ClassifierMixin):
    """The score is the first feature."""

    def fit(self, X, y):
        self.fitted_ = True
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0]


SIMPLE = [
    "demographic_parity",
    "true_positive_rate_parity",
    "false_positive_rate_parity",
    "true_negative_rate_parity",
    "false_negative_rate_parity",
]
OBJECTIVES = [
    "accuracy_score",
    "balanced_accuracy_score",
    "selection_rate",
    "true_positive_rate",
    "true_negative_rate",
]


def num(v):
    v = float(v)
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def data(rng, n_groups, coarse):
    scores, labels, groups = [], [], []
    for g in range(n_groups):
        n = int(rng.integers(4, 30))
        shift = rng.normal(0, 0.5)
        y = rng.random(n) < rng.uniform(0.25, 0.75)
        y[0], y[1] = True, False
        s = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + shift + 1.2 * y)))
        if coarse:
            s = np.round(s * 8) / 8
            s[0], s[1] = 0.875, 0.25
        scores += list(s)
        labels += list(y.astype(int))
        groups += [f"g{g}"] * n
    return scores, labels, groups


def case(rng, i):
    constraint = (SIMPLE + ["equalized_odds"])[i % 6]
    objectives = OBJECTIVES if constraint != "equalized_odds" else OBJECTIVES[:2]
    objective = objectives[(i // 6) % len(objectives)]
    grid_size = [1000, 10, 7, 1000][i % 4]
    flip = i % 5 == 3
    tol = [None, None, 0.05, 0.3][(i // 2) % 4] if constraint != "equalized_odds" else None
    scores, labels, groups = data(rng, 2 + i % 3, coarse=i % 3 == 1)
    X = np.array([[s] for s in scores])
    y = np.array(labels)
    to = ThresholdOptimizer(
        estimator=Identity().fit(X, y),
        constraints=constraint,
        objective=objective,
        grid_size=grid_size,
        flip=flip,
        tol=tol,
        prefit=True,
        predict_method="predict",
    )
    to.fit(X, y, sensitive_features=np.array(groups))
    pmf = to._pmf_predict(X, sensitive_features=np.array(groups))[:, 1]
    rules = {}
    for g, r in to.interpolated_thresholder_.interpolation_dict.items():
        rule = {
            "p0": float(r.p0),
            "operation0": {"operator": r.operation0.operator, "threshold": num(r.operation0.threshold)},
            "p1": float(r.p1),
            "operation1": {"operator": r.operation1.operator, "threshold": num(r.operation1.threshold)},
        }
        if "p_ignore" in r:
            rule["p_ignore"] = float(r.p_ignore)
            rule["prediction_constant"] = float(r.prediction_constant)
        rules[g] = rule
    return {
        "constraint": constraint,
        "objective": objective,
        "grid_size": grid_size,
        "flip": flip,
        "tol": tol,
        "scores": [float(s) for s in scores],
        "labels": [int(v) for v in labels],
        "groups": groups,
        "x_best": None if tol else float(to._x_best),
        "y_best": float(to._y_best),
        "rules": rules,
        "pmf": [float(p) for p in pmf],
    }


rng = np.random.default_rng(20250601)
print(json.dumps({"fairlearn": "0.15.0", "cases": [case(rng, i) for i in range(48)]}))
