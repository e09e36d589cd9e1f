"""scikit-learn score metrics by group: the reference values for fairkit's score metrics (issue 16.3).

Usage (the interpreter comes from the caller; never a fixed path):

    $PYTHON scripts/sklearn_score_metrics.py [OUTDIR]     # default crates/metrics/tests/data/score_metrics

`$PYTHON` is the Fairlearn venv, made with exactly

    python3.11 -m venv $VENV
    $VENV/bin/pip install fairlearn==0.15.0 scikit-learn==1.9.1 pandas==3.1.1 numpy==2.4.6 pytest maturin

(only scikit-learn, numpy and pandas are used here). OUTDIR/README.md documents every key.

What it writes (all together, only after everything was computed):
* `synthetic.csv`: 300 rows drawn from numpy's default_rng(20261206): columns `label` (0/1),
  `score` (in [0, 1]; about 40% rounded to 2 decimals, so there are ties and values exactly on
  the uniform bin edges), `weight` (> 0) and `group` (a, b, c; group c has label 1 only).
* `edge.csv`: 8 rows with probabilities 0 and 1 on the wrong side, to pin down log-loss clipping.
* `expected.json`: for every case (synthetic, edge, and the COMPAS test predictions of the shared
  reference material when it is present, read in place, never copied) overall and per group,
  unweighted and weighted: roc_auc_score, average_precision_score, brier_score_loss, log_loss
  (labels=[0, 1]), calibration_curve(n_bins=10, strategy uniform and quantile) with the bin of
  each returned point and its count, and the expected calibration error
      ECE = sum_b n_b * |prob_true_b - prob_pred_b| / sum_b n_b
  over the non-empty uniform bins b of calibration_curve (n_b = rows in bin b); the weighted ECE
  uses the same bins with weight sums (calibration_curve takes no weights, so that one is numpy).
  Between groups: max - min and min / max of each metric over the groups where it is defined.
"""
import os

for _k in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]:
    os.environ.setdefault(_k, "1")

import json
import math
import platform
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

SEED = 20261206
N_BINS = 10


def synthetic():
    rng = np.random.default_rng(SEED)
    sizes = {"a": 150, "b": 115, "c": 35}
    rows = []
    for grp, n in sizes.items():
        base = {"a": 0.45, "b": 0.3, "c": 1.0}[grp]
        y = (rng.random(n) < base).astype(int)
        shift = {"a": 0.0, "b": -0.4, "c": 0.3}[grp]
        z = 1.6 * (y - 0.5) + shift + rng.normal(0.0, 1.0, n)
        s = 1.0 / (1.0 + np.exp(-z))
        tie = rng.random(n) < 0.4
        s = np.where(tie, np.round(s, 2), s)
        w = np.where(rng.random(n) < 0.5, rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], n),
                     rng.uniform(0.2, 3.0, n))
        for i in range(n):
            rows.append((int(y[i]), float(s[i]), float(w[i]), grp))
    # values exactly on uniform bin edges and at the ends of [0, 1] (correct side only)
    rows[0] = (1, 1.0, 1.0, "a")
    rows[1] = (0, 0.0, 1.0, "a")
    rows[2] = (0, 0.2, 2.0, "a")
    rows[3] = (1, 0.5, 1.0, "a")
    rows[150] = (0, 0.3, 1.5, "b")
    rows[151] = (1, 0.7, 1.0, "b")
    order = rng.permutation(len(rows))
    return pd.DataFrame([rows[i] for i in order], columns=["label", "score", "weight", "group"])


def edge():
    rows = [(1, 0.0, 1.0, "x"), (0, 1.0, 2.0, "x"), (1, 1.0, 1.0, "x"), (0, 0.0, 1.0, "x"),
            (1, 1e-20, 1.0, "y"), (0, 0.999999999999999, 0.5, "y"), (1, 0.5, 1.0, "y"),
            (0, 0.5, 1.0, "y")]
    return pd.DataFrame(rows, columns=["label", "score", "weight", "group"])


def call(fn, *args, **kw):
    """Value of an sklearn metric, with the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            v = float(fn(*args, **kw))
        except ValueError as e:
            return {"value": None, "error": str(e)}
    out = {"value": v if math.isfinite(v) else None}
    msgs = sorted({str(w.message) for w in caught})
    if not math.isfinite(v):
        out["nan"] = True
    if msgs:
        out["warnings"] = msgs
    return out


def uniform_bins(p):
    """calibration_curve's bin index of each score (uniform strategy)."""
    edges = np.linspace(0.0, 1.0, N_BINS + 1)
    return np.searchsorted(edges[1:-1], p)


def calib(y, p, strategy):
    pt, pp = calibration_curve(y, p, n_bins=N_BINS, strategy=strategy)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, N_BINS + 1)
    else:
        edges = np.percentile(p, np.linspace(0, 1, N_BINS + 1) * 100)
    ids = np.searchsorted(edges[1:-1], p)
    counts = np.bincount(ids, minlength=N_BINS)
    nz = np.nonzero(counts)[0]
    assert len(nz) == len(pt)
    return {"prob_true": pt.tolist(), "prob_pred": pp.tolist(), "bins": nz.tolist(),
            "bin_counts": counts[nz].tolist(), "bin_edges": edges.tolist()}


def ece(y, p, w=None):
    w = np.ones_like(p) if w is None else w
    ids = uniform_bins(p)
    tot = np.bincount(ids, weights=w, minlength=N_BINS)
    sp = np.bincount(ids, weights=w * p, minlength=N_BINS)
    sy = np.bincount(ids, weights=w * y, minlength=N_BINS)
    nz = tot > 0
    gap = np.abs(sy[nz] / tot[nz] - sp[nz] / tot[nz])
    return float(np.sum(tot[nz] * gap) / np.sum(tot[nz])), {
        "bins": np.nonzero(nz)[0].tolist(), "bin_weight": tot[nz].tolist(),
        "prob_true": (sy[nz] / tot[nz]).tolist(), "prob_pred": (sp[nz] / tot[nz]).tolist()}


def block(y, p, w):
    y, p = np.asarray(y, int), np.asarray(p, float)
    out = {"count": int(len(y)), "positives": int(y.sum())}
    un = {
        "roc_auc": call(roc_auc_score, y, p),
        "average_precision": call(average_precision_score, y, p),
        "brier": call(brier_score_loss, y, p),
        "log_loss": call(log_loss, y, p, labels=[0, 1]),
        "calibration_uniform": calib(y, p, "uniform"),
        "calibration_quantile": calib(y, p, "quantile"),
    }
    e, _ = ece(y, p)
    # the ECE must be the one computed from calibration_curve's own points
    cu = un["calibration_uniform"]
    e2 = sum(c * abs(a - b) for c, a, b in zip(cu["bin_counts"], cu["prob_true"], cu["prob_pred"])) \
        / sum(cu["bin_counts"])
    assert abs(e - e2) < 1e-15, (e, e2)
    un["ece"] = e2
    # sanity: brier is the plain mean squared error on the binary case
    assert abs(un["brier"]["value"] - float(np.mean((p - y) ** 2))) < 1e-15
    out["unweighted"] = un
    if w is not None:
        w = np.asarray(w, float)
        out["weight_sum"] = float(w.sum())
        ew, bins = ece(y, p, w)
        out["weighted"] = {
            "roc_auc": call(roc_auc_score, y, p, sample_weight=w),
            "average_precision": call(average_precision_score, y, p, sample_weight=w),
            "brier": call(brier_score_loss, y, p, sample_weight=w),
            "log_loss": call(log_loss, y, p, sample_weight=w, labels=[0, 1]),
            "ece": ew,
            "calibration_uniform_weighted": bins,
        }
    return out


METRICS = ["roc_auc", "average_precision", "brier", "log_loss", "ece"]


def between(by_group, kind):
    out = {}
    for m in METRICS:
        vals = {}
        for g, b in by_group.items():
            if kind not in b:
                continue
            v = b[kind][m]
            v = v["value"] if isinstance(v, dict) else v
            if v is not None:
                vals[g] = v
        if not vals:
            continue
        lo, hi = min(vals.values()), max(vals.values())
        out[m] = {"groups_used": sorted(vals), "min": lo, "max": hi, "difference": hi - lo,
                  "ratio": (lo / hi) if hi != 0 else None}
    return out


def case(df, label, score, group, weight, source):
    y, p = df[label].to_numpy(int), df[score].to_numpy(float)
    w = df[weight].to_numpy(float) if weight else None
    g = df[group].astype(str).to_numpy()
    by = {k: block(y[g == k], p[g == k], None if w is None else w[g == k]) for k in sorted(set(g))}
    res = {"input": source, "columns": {"label": label, "score": score, "group": group,
                                        "weight": weight},
           "overall": block(y, p, w), "by_group": by,
           "between_groups": {"unweighted": between(by, "unweighted")}}
    if w is not None:
        res["between_groups"]["weighted"] = between(by, "weighted")
    return res


def write_csv(df, path):
    with open(path, "w") as f:
        f.write(",".join(df.columns) + "\n")
        for row in df.itertuples(index=False):
            f.write(",".join(repr(v) if isinstance(v, float) else str(v) for v in row) + "\n")


def clean(o):
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, (float, np.floating)):
        return float(o) if math.isfinite(o) else None
    if isinstance(o, np.integer):
        return int(o)
    return o


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "crates", "metrics", "tests",
                                                                 "data", "score_metrics")
    os.makedirs(outdir, exist_ok=True)
    syn, edg = synthetic(), edge()
    # re-read what will be written, so the values are computed from the exact committed text
    staged = {}
    for name, df in [("synthetic.csv", syn), ("edge.csv", edg)]:
        tmp = os.path.join(outdir, name + ".tmp")
        write_csv(df, tmp)
        staged[name] = tmp
    syn_r = pd.read_csv(staged["synthetic.csv"], dtype={"group": str})
    edg_r = pd.read_csv(staged["edge.csv"], dtype={"group": str})
    cases = {
        "synthetic": case(syn_r, "label", "score", "group", "weight", "synthetic.csv"),
        "edge": case(edg_r, "label", "score", "group", "weight", "edge.csv"),
    }
    shared = os.path.join(root, "..", "shared", "reference", "expected", "compas_test_predictions.csv")
    if os.path.exists(shared):
        comp = pd.read_csv(shared)
        src = "../shared/reference/expected/compas_test_predictions.csv (relative to the repository root)"
        cases["compas_lr"] = case(comp, "label", "lr_proba", "sensitive", None, src)
        cases["compas_dt"] = case(comp, "label", "dt_proba", "sensitive", None, src)
    else:
        print(f"notice: {shared} absent; the COMPAS cases are not written", file=sys.stderr)
    eps = float(np.finfo(np.float64).eps)
    doc = {
        "generated_by": "scripts/sklearn_score_metrics.py",
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__, "pandas": pd.__version__},
        "seed": SEED,
        "conventions": {
            "n_bins": N_BINS,
            "log_loss_clipping": f"probabilities [1-p, p] are clipped to [eps, 1-eps], eps = {eps!r} "
                                 "(float64 machine epsilon); no eps argument exists any more",
            "log_loss_extremes": {"p=0,y=1": -math.log(eps), "p=1,y=1": -math.log1p(-eps)},
            "single_class_group": "roc_auc: sklearn returns NaN with a warning (written null, "
                                  "nan: true); average_precision: 1.0 when all labels are 1, 0.0 "
                                  "with a warning when all are 0; log_loss needs labels=[0, 1]",
        },
        "cases": cases,
    }
    tmp = os.path.join(outdir, "expected.json.tmp")
    with open(tmp, "w") as f:
        json.dump(clean(doc), f, indent=1, allow_nan=False)
        f.write("\n")
    staged["expected.json"] = tmp
    for name, t in staged.items():
        os.replace(t, os.path.join(outdir, name))
    print(f"wrote {sorted(staged)} to {outdir}")


if __name__ == "__main__":
    main()
