"""MetricFrame and the metric functions against Fairlearn 0.15, to 1e-12."""

import json

import numpy as np
import pandas as pd
import pytest
import fairlearn.metrics as flm
from sklearn.metrics import accuracy_score, balanced_accuracy_score, precision_score, recall_score

import fairkit.metrics as fkm
from conftest import shared

TOL = 1e-12

METRICS = {
    "selection_rate": flm.selection_rate,
    "accuracy": accuracy_score,
    "recall": recall_score,
    "precision": precision_score,
    "balanced_accuracy": balanced_accuracy_score,
    "fpr": flm.false_positive_rate,
    "fnr": flm.false_negative_rate,
    "tnr": flm.true_negative_rate,
}


def case(seed, n, n_groups, two_columns):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    # Predictions that agree with the labels more in some groups than others.
    a = rng.choice([f"g{i}" for i in range(n_groups)], n)
    flip = rng.random(n) < np.where(a == "g0", 0.1, 0.4)
    p = np.where(flip, 1 - y, y)
    sf = pd.DataFrame({"a": a, "b": rng.choice([3, 1, 2], n)}) if two_columns else pd.Series(a, name="a")
    return y, p, sf, rng.random(n) * 3


def close(want, got):
    want = np.asarray(want, dtype=float)
    got = np.asarray(got, dtype=float)
    assert want.shape == got.shape
    assert np.array_equal(np.isnan(want), np.isnan(got))
    gap = np.nanmax(np.abs(want - got)) if want.size and not np.all(np.isnan(want)) else 0.0
    assert gap <= TOL, f"largest difference {gap}"


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "seed,n,n_groups,two_columns", [(0, 200, 2, False), (1, 1000, 5, False), (2, 300, 3, True), (3, 40, 6, True)]
)
def test_metricframe_equals_fairlearn(seed, n, n_groups, two_columns, weighted):
    y, p, sf, w = case(seed, n, n_groups, two_columns)
    kw = {"sample_params": {k: {"sample_weight": w} for k in METRICS}} if weighted else {}
    want = flm.MetricFrame(metrics=METRICS, y_true=y, y_pred=p, sensitive_features=sf, **kw)
    got = fkm.MetricFrame(metrics=METRICS, y_true=y, y_pred=p, sensitive_features=sf, **kw)
    assert list(got.by_group.index) == list(want.by_group.index)
    assert list(got.by_group.columns) == list(want.by_group.columns)
    assert got.by_group.index.names == want.by_group.index.names
    close(want.by_group.to_numpy(float), got.by_group.to_numpy(float))
    close(want.overall.to_numpy(float), got.overall.to_numpy(float))
    close(want.group_min().to_numpy(float), got.group_min().to_numpy(float))
    close(want.group_max().to_numpy(float), got.group_max().to_numpy(float))
    for method in ("between_groups", "to_overall"):
        close(want.difference(method=method).to_numpy(float), got.difference(method=method).to_numpy(float))
        close(want.ratio(method=method).to_numpy(float), got.ratio(method=method).to_numpy(float))


def test_sample_weight_keyword_is_sample_params_for_every_metric():
    y, p, sf, w = case(4, 500, 3, False)
    want = flm.MetricFrame(
        metrics=METRICS, y_true=y, y_pred=p, sensitive_features=sf,
        sample_params={k: {"sample_weight": w} for k in METRICS},
    )
    got = fkm.MetricFrame(metrics=METRICS, y_true=y, y_pred=p, sensitive_features=sf, sample_weight=w)
    close(want.by_group.to_numpy(float), got.by_group.to_numpy(float))


def test_single_metric_returns_scalars_and_a_series():
    y, p, sf, _ = case(5, 300, 4, False)
    want = flm.MetricFrame(metrics=flm.selection_rate, y_true=y, y_pred=p, sensitive_features=sf)
    got = fkm.MetricFrame(metrics=flm.selection_rate, y_true=y, y_pred=p, sensitive_features=sf)
    assert isinstance(got.overall, float)
    assert abs(got.overall - want.overall) <= TOL
    assert isinstance(got.by_group, pd.Series) and got.by_group.name == want.by_group.name
    close(want.by_group, got.by_group)
    assert abs(got.difference() - want.difference()) <= TOL
    assert abs(got.ratio(method="to_overall") - want.ratio(method="to_overall")) <= TOL


def test_inputs_as_lists_numpy_and_bools_give_the_same_numbers():
    y, p, sf, _ = case(6, 100, 2, False)
    ref = fkm.MetricFrame(metrics="accuracy", y_true=y, y_pred=p, sensitive_features=sf)
    for yy, pp, ss in [
        (list(y), list(p), list(sf)),
        (y.astype(bool), p.astype(bool), sf.to_numpy()),
        (pd.Series(y), pd.Series(p), sf.to_frame()),
    ]:
        got = fkm.MetricFrame(metrics="accuracy", y_true=yy, y_pred=pp, sensitive_features=ss)
        close(ref.by_group.to_numpy(), got.by_group.to_numpy())


@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
@pytest.mark.parametrize("weighted", [False, True])
def test_disparity_functions_equal_fairlearn(method, weighted):
    y, p, sf, w = case(7, 800, 4, True)
    w = w if weighted else None
    for name in [
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equal_opportunity_difference",
        "equal_opportunity_ratio",
    ]:
        want = getattr(flm, name)(y, p, sensitive_features=sf, method=method, sample_weight=w)
        got = getattr(fkm, name)(y, p, sensitive_features=sf, method=method, sample_weight=w)
        assert abs(want - got) <= TOL, name
    for name in ["equalized_odds_difference", "equalized_odds_ratio"]:
        for agg in ["worst_case", "mean"]:
            want = getattr(flm, name)(y, p, sensitive_features=sf, method=method, sample_weight=w, agg=agg)
            got = getattr(fkm, name)(y, p, sensitive_features=sf, method=method, sample_weight=w, agg=agg)
            assert abs(want - got) <= TOL, (name, agg)


def test_overall_rate_functions_equal_fairlearn():
    y, p, _, w = case(8, 400, 2, False)
    for name in ["selection_rate", "true_positive_rate", "false_positive_rate", "false_negative_rate", "true_negative_rate", "mean_prediction"]:
        for weights in (None, w):
            want = getattr(flm, name)(y, p, sample_weight=weights)
            got = getattr(fkm, name)(y, p, sample_weight=weights)
            assert abs(want - got) <= TOL, name
    assert fkm.count(y, p) == flm.count(y, p)


def splitmix_case(n, n_groups):
    """The reference generator of metricframe_synthetic.json (SplitMix64, seed 0)."""
    with np.errstate(over="ignore"):
        i = np.arange(1, n + 1, dtype=np.uint64)
        s = i * np.uint64(0x9E3779B97F4A7C15)
        z = (s ^ (s >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        h = z ^ (z >> np.uint64(31))
    y = (h & np.uint64(1)).astype(np.int64)
    p = np.where(((h >> np.uint64(8)) & np.uint64(0xFF)) < 64, (h >> np.uint64(1)) & np.uint64(1), y).astype(np.int64)
    g = ((h >> np.uint64(32)) % np.uint64(n_groups)).astype(np.int64)
    return y, p, g


def test_one_million_rows_equal_the_recorded_fairlearn_metricframe():
    ref = json.loads(shared("reference/expected/metricframe_synthetic.json").read_text())
    keys = {"selection_rate": "selection_rate", "tpr": "true_positive_rate", "fpr": "false_positive_rate", "accuracy": "accuracy"}
    for c in ref["cases"]:
        y, p, g = splitmix_case(c["n_rows"], c["n_groups"])
        assert [y[:5].tolist(), p[:5].tolist(), g[:5].tolist()] == [c["first5"][k] for k in ("y_true", "y_pred", "group")]
        mf = fkm.MetricFrame(metrics={k: v for k, v in keys.items()}, y_true=y, y_pred=p, sensitive_features=g)
        for k in keys:
            assert abs(mf.overall[k] - c["overall"][k]) <= TOL
            for group, values in c["by_group"].items():
                assert abs(mf.by_group.loc[int(group), k] - values[k]) <= TOL
