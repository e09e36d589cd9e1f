"""Pre-processing and the comparison from Python: Fairlearn's CorrelationRemover to 1e-12 (one
two-valued sensitive column, where fairkit's one-hot regression is Fairlearn's), reweighing
against its defining formula, the disparate-impact remover's endpoints, fairkit.compare."""

import numpy as np
import pandas as pd
import pytest
from fairlearn.preprocessing import CorrelationRemover as FlCorrelationRemover

import fairkit
from fairkit.preprocessing import CorrelationRemover, DisparateImpactRemover, reweigh

rng = np.random.default_rng(3)
N = 400
A = rng.choice(["a", "b"], N, p=[0.3, 0.7])
X = rng.normal(size=(N, 4)) + np.where(A == "a", 1.0, 0.0)[:, None] * np.array([1.0, 0.0, -2.0, 0.5])
Y = (X[:, 0] + rng.normal(size=N) > 0.5).astype(int)


@pytest.mark.parametrize("alpha", [1.0, 0.5, 0.0])
def test_correlation_remover_equals_fairlearn_on_a_binary_column(alpha):
    df = pd.DataFrame(X, columns=["x0", "x1", "x2", "x3"]).assign(s=(A == "a").astype(float))
    want = FlCorrelationRemover(sensitive_feature_ids=["s"], alpha=alpha).fit(df).transform(df)
    got = CorrelationRemover(sensitive_feature_ids=["s"], alpha=alpha).fit_transform(df)
    assert np.max(np.abs(np.asarray(want) - got)) < 1e-12
    # The same with a numpy array and a column index.
    arr = df.to_numpy()
    got = CorrelationRemover(sensitive_feature_ids=[4], alpha=alpha).fit_transform(arr)
    assert np.max(np.abs(np.asarray(want) - got)) < 1e-12


def test_reweighing_weights_are_p_group_p_label_over_p_cell():
    w = reweigh(Y, sensitive_features=A)
    for g in ("a", "b"):
        for y in (0, 1):
            cell = (A == g) & (Y == y)
            want = (A == g).mean() * (Y == y).mean() / cell.mean()
            assert np.allclose(w[cell], want, rtol=0, atol=1e-12)
    assert abs(w.sum() - N) < 1e-9


def test_disparate_impact_remover_endpoints():
    unchanged = DisparateImpactRemover(repair_level=0.0).fit_transform(X, sensitive_features=A)
    assert np.max(np.abs(unchanged - X)) < 1e-12
    repaired = DisparateImpactRemover(repair_level=1.0).fit_transform(X, sensitive_features=A)
    # A full repair gives both groups the same median of every feature (to the quantile grid).
    gap_before = np.abs(np.median(X[A == "a"], 0) - np.median(X[A == "b"], 0)).max()
    gap_after = np.abs(np.median(repaired[A == "a"], 0) - np.median(repaired[A == "b"], 0)).max()
    assert gap_after < 0.1 * gap_before


def test_compare_returns_one_row_per_method_and_seed():
    rows, text = fairkit.compare(table=True)
    assert len(rows) == rows["method"].nunique() * rows["seed"].nunique()
    assert "baseline" in set(rows["method"]) and "expected.accuracy" in rows.columns
    base = rows[rows.method == "baseline"]["expected.accuracy"].mean()
    assert f"{base:.3f}" in text
