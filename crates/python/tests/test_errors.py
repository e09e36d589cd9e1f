"""Bad inputs raise ValueError with fairkit's message; nothing crashes the interpreter."""

import numpy as np
import pytest

import fairkit.metrics as fkm
from fairkit.learners import LogisticRegression
from fairkit.postprocessing import ThresholdOptimizer
from fairkit.reductions import DemographicParity, ExponentiatedGradient, GridSearch

rng = np.random.default_rng(0)
N = 60
X = rng.normal(size=(N, 3))
Y = (X[:, 0] + rng.normal(size=N) > 0).astype(int)
A = np.array(["a", "b"] * (N // 2))


def eg():
    return ExponentiatedGradient(LogisticRegression(), DemographicParity())


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"y_pred": Y[:-1]}, "rows"),
        ({"sensitive_features": A[:-1]}, "rows"),
        ({"y_true": np.where(Y == 1, 2, 0)}, "0 or 1"),
        ({"y_true": np.where(Y == 1, np.nan, 0.0)}, "0 or 1"),
        ({"sensitive_features": np.where(A == "a", None, A)}, "missing"),
        ({"sample_weight": -np.ones(N)}, "weight"),
    ],
)
def test_metricframe_refuses_bad_inputs(kwargs, match):
    args = {"y_true": Y, "y_pred": Y, "sensitive_features": A, **kwargs}
    with pytest.raises(ValueError, match=match):
        fkm.MetricFrame(metrics="selection_rate", **args).overall


def test_unknown_metric_names_the_known_ones():
    with pytest.raises(ValueError, match="selection_rate"):
        fkm.MetricFrame(metrics=np.mean, y_true=Y, y_pred=Y, sensitive_features=A)


@pytest.mark.parametrize(
    "x,y,a,match",
    [
        (X[:-1], Y, A, "rows|length|differ"),
        (np.where(np.arange(N)[:, None] == 3, np.nan, X), Y, A, "finite"),
        (X, np.zeros(N, dtype=int), A, "class|label"),
        (X, Y, np.array(["a"] * N), "group"),
        (X, Y + 1, A, "0 or 1"),
    ],
)
def test_mitigators_refuse_bad_inputs(x, y, a, match):
    for make in (eg, lambda: GridSearch("logistic", "demographic_parity", grid_size=3),
                 lambda: ThresholdOptimizer(estimator="logistic")):
        with pytest.raises(ValueError, match=match):
            make().fit(x, y, sensitive_features=a)


def test_unknown_names_and_unfitted_use_are_value_errors():
    with pytest.raises(ValueError, match="knn"):
        ExponentiatedGradient("knn", DemographicParity()).fit(X, Y, sensitive_features=A)
    with pytest.raises(ValueError, match="constraint"):
        ExponentiatedGradient("logistic", "parity_of_nothing").fit(X, Y, sensitive_features=A)
    with pytest.raises(ValueError, match="ratio_bound"):
        DemographicParity(difference_bound=0.1, ratio_bound=0.8)
    with pytest.raises(ValueError, match="ratio_bound"):
        ExponentiatedGradient("logistic", DemographicParity(ratio_bound=1.5)).fit(X, Y, sensitive_features=A)
    with pytest.raises(ValueError, match="not fitted"):
        eg().predict(X)
    with pytest.raises(ValueError, match="objective"):
        ThresholdOptimizer(estimator="logistic", objective="f1").fit(X, Y, sensitive_features=A)


def test_prediction_checks_the_feature_count_and_groups():
    m = eg().fit(X, Y, sensitive_features=A)
    with pytest.raises(ValueError, match="feature"):
        m._pmf_predict(X[:, :2])
    to = ThresholdOptimizer(estimator="logistic").fit(X, Y, sensitive_features=A)
    with pytest.raises(ValueError, match="c"):
        to.predict(X, sensitive_features=np.array(["c"] * N), random_state=1)
