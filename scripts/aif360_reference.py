"""AIF360 0.6.1 reference values for fairkit's mitigation catalogue (issue 15).

Usage (the interpreter comes from the caller; never a fixed path):

    $PYTHON scripts/aif360_reference.py OUTDIR [--datasets compas,adult] [--methods LIST]
                                              [--reps 3] [--budget 240] [--prepared DIR]
                                              [--seeds 0,1] [--lfr-from DIR ...]

LFR on Adult takes about 3 CPU minutes per seed; its seeds can run in parallel, each process with
its own OUTDIR (a copy of the committed folder) and `--methods lfr --seeds N`, then
`--methods lfr --lfr-from DIR1 DIR2 ...` into the real OUTDIR collects them without fitting again.

`$PYTHON` is a CPython 3.11 venv made with exactly

    python3.11 -m venv $VENV
    $VENV/bin/pip install aif360==0.6.1 BlackBoxAuditing==0.1.54 pandas==2.3.3 numpy==2.4.6 \
        scikit-learn==1.9.1 scipy==1.17.1
    $VENV/bin/pip install tensorflow-cpu==2.21.0      # AdversarialDebiasing only
    $VENV/bin/pip install aequitas==1.1.0             # optional: massaging cross-check only

AIF360 needs pandas below 3, so this venv cannot be the Fairlearn one. The committed output lives in
tests/data/aif360/ (its README.md documents every key); regenerate it with
`$PYTHON scripts/aif360_reference.py tests/data/aif360`.

Inputs
------
`<prepared>/{compas,adult}_{train,test}.csv` (default `<prepared>` = ../shared/reference/prepared
relative to the repository root): the feature columns (already standardized / one-hot), then `label`
(0/1) and `sensitive` (a group name). For adult label 1 is income >50K; for compas label 1 is
"re-offended within two years".

Conventions (chosen so that fairkit, fed these files as they are, computes the same numbers)
-----------
* Favourable label = 1 on both datasets, fairkit's convention. On COMPAS that makes "re-offended"
  the favourable class, the opposite of AIF360's own COMPAS loader.
* Privileged group = the group with the higher training base rate of label 1: `Male` on adult,
  `African-American` on compas. On COMPAS this is AIF360's usual setup (favourable = no re-offence,
  privileged = Caucasian) mirrored: the same groups are pushed in the same directions, with labels
  and scores flipped. AIF360 sees the group as a protected column `sensitive` = 1.0 (privileged) /
  0.0 (unprivileged).
* The protected attribute is NOT a model feature (as in the prepared files): the AIF360 datasets are
  built with it and then `features` / `feature_names` are cut back to the prepared feature columns.
  Exceptions that AIF360 imposes: PrejudiceRemover fits one weight vector per group (the group
  selects the vector), GerryFair's learner appends the protected column to the features
  (`convert_to_dataframe` re-adds it) and its auditor searches subgroups over the protected column.
* Base scores: sklearn LogisticRegression(solver="lbfgs", C=1.0, penalty L2, max_iter=1000,
  tol=1e-4, fit_intercept=True), fitted on the train features and labels without weights;
  `score` = predict_proba[:, 1] = P(label 1). Hard base predictions are `score > 0.5`.
  The scores are written to OUTDIR/<ds>_{train,test}_scores.csv (one column `score`, Python repr,
  row-aligned with the prepared file) and every post-processor and massaging uses exactly these.
* Post-processors are fitted on train (true labels + train scores) and applied to the test scores.
* Randomized methods (eq-odds, calibrated eq-odds) are evaluated in expectation: each test row gets
  p_i = P(prediction 1) under the fitted model and the confusion counts are expected counts,
  TP = sum_{y=1} p_i, FP = sum_{y=0} p_i, FN = sum_{y=1} (1-p_i), TN = sum_{y=0} (1-p_i); every
  rate is a ratio of these sums. Deterministic methods have p_i in {0,1}. AIF360's own sampled
  labels (seed 42) are evaluated the same way, for context only.
* Threads: OpenBLAS / OMP / MKL / TensorFlow pinned to one thread (TF_ENABLE_ONEDNN_OPTS=0).
* Times: wall seconds of `fit` (for LFR, `fit`; for the learners, `fit`; for post-processors,
  `fit`), median over repetitions; `cpu_seconds` adds user+sys of this process and its children
  (PrejudiceRemover runs its optimizer in a `python` subprocess, found on PATH: this script puts
  its own interpreter's directory first). Load averages are recorded because the machine is shared.

Massaging is not in AIF360: this script carries a plain reference implementation of Kamiran and
Calders (2012), described at `massaging_reference` below, and cross-checks it against Aequitas
Flow's `Massaging` when the `aequitas` package is importable.
"""
import os

for _k, _v in [("OMP_NUM_THREADS", "1"), ("OPENBLAS_NUM_THREADS", "1"), ("MKL_NUM_THREADS", "1"),
               ("TF_ENABLE_ONEDNN_OPTS", "0"), ("TF_NUM_INTRAOP_THREADS", "1"),
               ("TF_NUM_INTEROP_THREADS", "1"), ("TF_CPP_MIN_LOG_LEVEL", "2"),
               ("PYTHONHASHSEED", "0"), ("PYTHONWARNINGS", "ignore")]:
    os.environ.setdefault(_k, _v)

import argparse
import contextlib
import datetime
import importlib
import importlib.metadata
import io
import json
import math
import pickle
import platform
import resource
import sys
import tempfile
import time
import types
import warnings

import numpy as np
import pandas as pd
import scipy
import scipy.optimize
import sklearn
from sklearn.linear_model import LogisticRegression

import aif360
from aif360.datasets import BinaryLabelDataset
from aif360.metrics import ClassificationMetric
from aif360.algorithms.postprocessing import (CalibratedEqOddsPostprocessing, EqOddsPostprocessing,
                                              RejectOptionClassification)
from aif360.algorithms.postprocessing import eq_odds_postprocessing as _eqo_module
from aif360.algorithms.inprocessing import PrejudiceRemover, GerryFairClassifier
from aif360.algorithms.inprocessing.gerryfair.auditor import Auditor
from aif360.algorithms.inprocessing.gerryfair import clean as gerry_clean
from aif360.algorithms.preprocessing import LFR
from aif360.algorithms.preprocessing.lfr_helpers import helpers as lfr_helpers

warnings.filterwarnings("ignore")
# PrejudiceRemover calls `python` from PATH: make it this interpreter.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")

SCHEMA_VERSION = 1
SEEDS = [0, 1, 2, 3, 4]
SAMPLE_SEED = 42
PR_ETAS = [1.0, 25.0, 100.0]
ROC_METRICS = [("statistical_parity_difference", "Statistical parity difference"),
               ("average_odds_difference", "Average odds difference"),
               ("equal_opportunity_difference", "Equal opportunity difference")]
ALL_METHODS = ["eq_odds", "calibrated_eq_odds", "reject_option", "massaging", "prejudice_remover",
               "lfr", "gerryfair", "gerryfair_rich", "adversarial"]
# gerryfair_rich: the auditor's subgroups range over these feature columns besides the group
RICH = {"compas": ["sex=Female", "age"], "adult": ["age", "race=White"]}
PRIV, UNPRIV = [{"sensitive": 1.0}], [{"sensitive": 0.0}]


# ----------------------------------------------------------------------------------------------
# data

class Data:
    """One dataset: numpy arrays plus AIF360 datasets without the protected column as a feature."""

    def __init__(self, name, prepared):
        self.name = name
        tr = pd.read_csv(os.path.join(prepared, f"{name}_train.csv"))
        te = pd.read_csv(os.path.join(prepared, f"{name}_test.csv"))
        self.features = [c for c in tr.columns if c not in ("label", "sensitive")]
        rates = tr.groupby("sensitive")["label"].mean()
        self.privileged_value = str(rates.idxmax())
        self.unprivileged_value = str(rates.idxmin())
        assert len(rates) == 2
        self.X, self.y = tr[self.features].to_numpy(float), tr["label"].to_numpy(int)
        self.Xt, self.yt = te[self.features].to_numpy(float), te["label"].to_numpy(int)
        self.g = (tr["sensitive"].astype(str) == self.privileged_value).to_numpy(int)
        self.gt = (te["sensitive"].astype(str) == self.privileged_value).to_numpy(int)
        assert set(te["sensitive"].astype(str)) <= {self.privileged_value, self.unprivileged_value}

    def dataset(self, split, labels=None, scores=None, extra_protected=()):
        """AIF360 dataset; `extra_protected` feature columns become protected attributes too
        (they stay features; only gerryfair_rich uses this)."""
        X, y, g = (self.X, self.y, self.g) if split == "train" else (self.Xt, self.yt, self.gt)
        df = pd.DataFrame(X, columns=self.features)
        df["sensitive"] = g.astype(float)
        df["label"] = (y if labels is None else labels).astype(float)
        extra = list(extra_protected)
        # AIF360 wants every value of a protected column designated; the extra columns' split is
        # never used (the GerryFair auditor reads raw values)
        levels = [np.unique(df[c].to_numpy()) for c in extra]
        ds = BinaryLabelDataset(df=df, label_names=["label"],
                                protected_attribute_names=["sensitive"] + extra,
                                favorable_label=1.0, unfavorable_label=0.0,
                                privileged_protected_attributes=[np.array([1.0])] + [v[-1:] for v in levels],
                                unprivileged_protected_attributes=[np.array([0.0])] + [v[:-1] for v in levels])
        # drop the protected column from the model features (kept in protected_attributes)
        keep = [i for i, n in enumerate(ds.feature_names) if n != "sensitive"]
        ds.features = ds.features[:, keep]
        ds.feature_names = [ds.feature_names[i] for i in keep]
        assert ds.feature_names == self.features
        if scores is not None:
            ds.scores = np.asarray(scores, float).reshape(-1, 1).copy()
        return ds


# ----------------------------------------------------------------------------------------------
# metrics

def expected_metrics(p, y, g):
    """Metrics of fractional predictions p = P(pred 1) against labels y; g = 1 privileged."""
    p = np.asarray(p, float)
    y = np.asarray(y, int)
    g = np.asarray(g, int)

    def counts(m):
        yy, pp = y[m], p[m]
        tp = float(np.sum(pp[yy == 1]))
        fn = float(np.sum(1.0 - pp[yy == 1]))
        fp = float(np.sum(pp[yy == 0]))
        tn = float(np.sum(1.0 - pp[yy == 0]))
        n = int(m.sum())
        pos, neg = int((yy == 1).sum()), int((yy == 0).sum())
        div = lambda a, b: a / b if b > 0 else float("nan")
        return {
            "count": n, "positives": pos, "negatives": neg,
            "tp": tp, "fp": fp, "tn": tn, "fn": fn,
            "base_rate": div(pos, n), "selection_rate": div(tp + fp, n),
            "tpr": div(tp, pos), "fpr": div(fp, neg), "tnr": div(tn, neg), "fnr": div(fn, pos),
            "ppv": div(tp, tp + fp), "accuracy": div(tp + tn, n),
        }

    allm = counts(np.ones_like(y, bool))
    pr, un = counts(g == 1), counts(g == 0)
    out = {
        "accuracy": allm["accuracy"],
        "balanced_accuracy": 0.5 * (allm["tpr"] + allm["tnr"]),
        "selection_rate": allm["selection_rate"],
        "groups": {"privileged": pr, "unprivileged": un},
        "statistical_parity_difference": un["selection_rate"] - pr["selection_rate"],
        "disparate_impact": (un["selection_rate"] / pr["selection_rate"]
                             if pr["selection_rate"] > 0 else float("nan")),
        "equal_opportunity_difference": un["tpr"] - pr["tpr"],
        "fpr_difference": un["fpr"] - pr["fpr"],
        "average_odds_difference": 0.5 * ((un["fpr"] - pr["fpr"]) + (un["tpr"] - pr["tpr"])),
    }
    out["demographic_parity_difference"] = abs(out["statistical_parity_difference"])
    out["equalized_odds_difference"] = max(abs(out["equal_opportunity_difference"]),
                                           abs(out["fpr_difference"]))
    return out


def check_against_aif360(data, labels, m):
    """Hard labels: our metrics must equal AIF360's ClassificationMetric (guards the definitions)."""
    cm = ClassificationMetric(data.dataset("test"), data.dataset("test", labels=labels),
                              unprivileged_groups=UNPRIV, privileged_groups=PRIV)
    pairs = [(m["accuracy"], cm.accuracy()),
             (m["statistical_parity_difference"], cm.statistical_parity_difference()),
             (m["equal_opportunity_difference"], cm.equal_opportunity_difference()),
             (m["average_odds_difference"], cm.average_odds_difference())]
    for ours, theirs in pairs:
        assert abs(ours - theirs) < 1e-12, (ours, theirs)


# ----------------------------------------------------------------------------------------------
# timing

def _cpu():
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def timed(fn):
    load0 = os.getloadavg()[0]
    c0, t0 = _cpu(), time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        out = fn()
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    return out, wall, cpu, load0


def time_summary(walls, cpus, loads, note=None):
    d = {"fit_seconds_median": float(np.median(walls)), "fit_seconds": [float(w) for w in walls],
         "cpu_seconds_median": float(np.median(cpus)), "cpu_seconds": [float(c) for c in cpus],
         "repetitions": len(walls), "load_average_1min_at_start": [round(l, 2) for l in loads]}
    if note:
        d["note"] = note
    return d


def repeat(fn, reps, budget, same=None):
    """Run fn up to reps times (fewer once `budget` wall seconds are spent); return first result."""
    walls, cpus, loads, first = [], [], [], None
    for r in range(reps):
        out, w, c, l = timed(fn)
        walls.append(w); cpus.append(c); loads.append(l)
        if r == 0:
            first = out
        elif same is not None:
            assert same(first, out), "a deterministic fit gave a different result on repetition"
        if sum(walls) > budget:
            break
    return first, time_summary(walls, cpus, loads)


# ----------------------------------------------------------------------------------------------
# base scores

def base_scores(data):
    lr = LogisticRegression(solver="lbfgs", C=1.0, max_iter=1000)
    lr.fit(data.X, data.y)
    s, st = lr.predict_proba(data.X)[:, 1], lr.predict_proba(data.Xt)[:, 1]
    return lr, s, st


def write_scores(path, s):
    with open(path, "w") as f:
        f.write("score\n")
        for v in s:
            f.write(repr(float(v)) + "\n")


# ----------------------------------------------------------------------------------------------
# post-processing

def run_eq_odds(data, s, st, reps, budget):
    yhat, yhat_t = (s > 0.5).astype(int), (st > 0.5).astype(int)
    ds_true, ds_pred = data.dataset("train"), data.dataset("train", labels=yhat, scores=s)
    captured = {}
    real_linprog = _eqo_module.linprog

    def capture(c, **kw):
        captured.update(c=np.asarray(c, float), **kw)
        return real_linprog(c, **kw)

    _eqo_module.linprog = capture
    try:
        model, times = repeat(lambda: EqOddsPostprocessing(UNPRIV, PRIV, seed=SAMPLE_SEED)
                              .fit(ds_true, ds_pred), reps, budget,
                              same=lambda a, b: np.array_equal(a.model_params.x, b.model_params.x))
    finally:
        _eqo_module.linprog = real_linprog
    sp2p, sn2p, op2p, on2p = [float(v) for v in model.model_params.x]
    # range of each variable over the LP's optimal face (is the solution unique?)
    c = captured["c"]
    A_ub = np.vstack([captured["A_ub"], c])
    b_ub = np.append(captured["b_ub"], model.model_params.fun + 1e-9)
    ranges = []
    for j in range(4):
        e = np.zeros(4); e[j] = 1.0
        lo = real_linprog(e, A_ub=A_ub, b_ub=b_ub, A_eq=captured["A_eq"], b_eq=captured["b_eq"])
        hi = real_linprog(-e, A_ub=A_ub, b_ub=b_ub, A_eq=captured["A_eq"], b_eq=captured["b_eq"])
        ranges.append([float(lo.x[j]), float(hi.x[j])])

    def group_params(p2p, n2p):
        return {"p2p": p2p, "p2n": 1.0 - p2p, "n2p": n2p, "n2n": 1.0 - n2p}

    clip = lambda v: min(max(v, 0.0), 1.0)
    p = np.where(data.gt == 1, np.where(yhat_t == 1, clip(sp2p), clip(sn2p)),
                 np.where(yhat_t == 1, clip(op2p), clip(on2p)))
    sampled = model.predict(data.dataset("test", labels=yhat_t, scores=st)).labels.ravel().astype(int)
    ms = expected_metrics(sampled, data.yt, data.gt)
    check_against_aif360(data, sampled, ms)
    return {
        "aif360_class": "EqOddsPostprocessing",
        "input_predictions": "base score > 0.5",
        "mixing": {"privileged": group_params(sp2p, sn2p), "unprivileged": group_params(op2p, on2p)},
        "linprog": {
            "variables": ["privileged p2p", "privileged n2p", "unprivileged p2p", "unprivileged n2p"],
            "x": [sp2p, sn2p, op2p, on2p], "objective": float(model.model_params.fun),
            "status": int(model.model_params.status), "method": "scipy linprog default (highs)",
            "c": c.tolist(), "A_eq": np.asarray(captured["A_eq"], float).tolist(),
            "b_eq": np.asarray(captured["b_eq"], float).tolist(),
            "optimal_face_ranges": ranges,
        },
        "train_input_metrics": expected_metrics(yhat, data.y, data.g),
        "test_input_metrics": expected_metrics(yhat_t, data.yt, data.gt),
        "test_expected": expected_metrics(p, data.yt, data.gt),
        "test_sampled_aif360": {"seed": SAMPLE_SEED, **ms},
        "timing": times,
    }


def ceo_internals(data, s, cost):
    """Recompute CalibratedEqOdds' fit quantities (AIF360's formulas) to record them."""
    ds_true, ds_pred = data.dataset("train"), data.dataset("train", scores=s)
    cm = ClassificationMetric(ds_true, ds_pred, unprivileged_groups=UNPRIV, privileged_groups=PRIV)
    triv = ds_pred.copy(deepcopy=True)
    priv = data.g == 1
    triv.scores[priv] = cm.base_rate(privileged=True)
    triv.scores[~priv] = cm.base_rate(privileged=False)
    cmt = ClassificationMetric(ds_true, triv, unprivileged_groups=UNPRIV, privileged_groups=PRIV)
    fp_w, fn_w = {"fpr": (1, 0), "fnr": (0, 1), "weighted": (1, 1)}[cost]
    out = {}
    for key, flag in [("privileged", True), ("unprivileged", False)]:
        br = cm.base_rate(privileged=flag)
        gfpr, gfnr = cm.generalized_false_positive_rate(flag), cm.generalized_false_negative_rate(flag)
        tgfpr, tgfnr = cmt.generalized_false_positive_rate(flag), cmt.generalized_false_negative_rate(flag)
        k = float(fp_w + fn_w) if (fp_w != 0 and fn_w != 0) else 1.0
        if fn_w == 0:
            c, tc = gfpr, tgfpr
        elif fp_w == 0:
            c, tc = gfnr, tgfnr
        else:
            c = fp_w / k * gfpr * (1 - br) + fn_w / k * gfnr * br
            tc = fp_w / k * tgfpr * (1 - br) + fn_w / k * tgfnr * br
        out[key] = {"base_rate": float(br), "gfpr": float(gfpr), "gfnr": float(gfnr), "cost": float(c),
                    "trivial_gfpr": float(tgfpr), "trivial_gfnr": float(tgfnr), "trivial_cost": float(tc)}
    return out


def run_calibrated_eq_odds(data, s, st, reps, budget):
    res = {}
    ds_true, ds_pred = data.dataset("train"), data.dataset("train", scores=s)
    for cost in ["fnr", "fpr", "weighted"]:
        model, times = repeat(lambda: CalibratedEqOddsPostprocessing(UNPRIV, PRIV, cost_constraint=cost,
                                                                     seed=SAMPLE_SEED)
                              .fit(ds_true, ds_pred), reps, budget,
                              same=lambda a, b: (a.priv_mix_rate, a.unpriv_mix_rate)
                              == (b.priv_mix_rate, b.unpriv_mix_rate))
        internals = ceo_internals(data, s, cost)
        mix_p, mix_u = float(model.priv_mix_rate), float(model.unpriv_mix_rate)
        # the recorded costs must reproduce AIF360's mixing rates exactly
        cp, cu = internals["privileged"]["cost"], internals["unprivileged"]["cost"]
        if cu > cp:
            ours = ((cu - cp) / (internals["privileged"]["trivial_cost"] - cp), 0.0)
        else:
            ours = (0.0, (cp - cu) / (internals["unprivileged"]["trivial_cost"] - cu))
        assert ours == (mix_p, mix_u), (ours, mix_p, mix_u)
        br_p, br_u = float(model.base_rate_priv), float(model.base_rate_unpriv)
        eff = lambda m: min(max(m, 0.0), 1.0)
        thr = 0.5
        p_priv = (1 - eff(mix_p)) * (st >= thr) + eff(mix_p) * (br_p >= thr)
        p_unpriv = (1 - eff(mix_u)) * (st >= thr) + eff(mix_u) * (br_u >= thr)
        p = np.where(data.gt == 1, p_priv, p_unpriv)
        sampled_ds = model.predict(data.dataset("test", scores=st), threshold=thr)
        sampled = sampled_ds.labels.ravel().astype(int)
        ms = expected_metrics(sampled, data.yt, data.gt)
        check_against_aif360(data, sampled, ms)
        res[cost] = {
            "aif360_class": "CalibratedEqOddsPostprocessing", "cost_constraint": cost,
            "mix_rates": {"privileged": mix_p, "unprivileged": mix_u},
            "mix_rates_above_one": bool(mix_p > 1 or mix_u > 1),
            "effective_replacement_probability": {"privileged": eff(mix_p), "unprivileged": eff(mix_u)},
            "base_rates": {"privileged": br_p, "unprivileged": br_u},
            "fit_internals": internals,
            "predict_threshold": thr,
            "test_expected": expected_metrics(p, data.yt, data.gt),
            "test_sampled_aif360": {"seed": SAMPLE_SEED, **ms},
            "timing": times,
        }
    return {"variants": res}


def roc_grid(s, y, g, metric, low=0.01, high=0.99, nt=100, nm=50):
    """AIF360's ROC grid search, vectorized, to record feasibility and ties."""
    rows = []
    pos, neg = y == 1, y == 0
    n_p, n_u = (g == 1).sum(), (g == 0).sum()
    for t in np.linspace(low, high, nt):
        hi = t if t <= 0.5 else 1.0 - t
        for m in np.linspace(0.0, hi, nm):
            pred = s > t
            crit = (s <= t + m) & (s > t - m)
            pred = np.where(crit & (g == 1), False, pred)
            pred = np.where(crit & (g == 0), True, pred)
            tpr = np.sum(pred & pos) / np.sum(pos)
            tnr = np.sum(~pred & neg) / np.sum(neg)
            bal = 0.5 * (tpr + tnr)
            sr_p, sr_u = np.sum(pred & (g == 1)) / n_p, np.sum(pred & (g == 0)) / n_u
            tpr_p = np.sum(pred & pos & (g == 1)) / np.sum(pos & (g == 1))
            tpr_u = np.sum(pred & pos & (g == 0)) / np.sum(pos & (g == 0))
            fpr_p = np.sum(pred & neg & (g == 1)) / np.sum(neg & (g == 1))
            fpr_u = np.sum(pred & neg & (g == 0)) / np.sum(neg & (g == 0))
            val = {"statistical_parity_difference": sr_u - sr_p,
                   "equal_opportunity_difference": tpr_u - tpr_p,
                   "average_odds_difference": 0.5 * ((fpr_u - fpr_p) + (tpr_u - tpr_p))}[metric]
            rows.append((t, m, bal, val))
    return np.array(rows)


def run_reject_option(data, s, st, reps, budget):
    res = {}
    ds_true, ds_pred = data.dataset("train"), data.dataset("train", scores=s)
    for key, name in ROC_METRICS:
        model, times = repeat(lambda: RejectOptionClassification(
            UNPRIV, PRIV, low_class_thresh=0.01, high_class_thresh=0.99, num_class_thresh=100,
            num_ROC_margin=50, metric_name=name, metric_ub=0.05, metric_lb=-0.05)
            .fit(ds_true, ds_pred), reps, budget,
            same=lambda a, b: (a.classification_threshold, a.ROC_margin)
            == (b.classification_threshold, b.ROC_margin))
        t, m = float(model.classification_threshold), float(model.ROC_margin)
        grid = roc_grid(s, data.y, data.g, key)
        feas = (grid[:, 3] >= -0.05) & (grid[:, 3] <= 0.05)
        if feas.any():
            best = np.max(grid[feas, 2])
            idx = np.where(feas & (grid[:, 2] == best))[0]
            others = np.unique(grid[feas, 2])
            runner_up = float(others[-2]) if len(others) > 1 else None
        else:
            best = None
            mn = np.min(grid[:, 3])
            idx = np.where(grid[:, 3] == mn)[0]
            runner_up = None
        assert (grid[idx[0], 0], grid[idx[0], 1]) == (t, m), "vectorized grid disagrees with AIF360"
        pred_t = model.predict(data.dataset("test", scores=st)).labels.ravel().astype(int)
        mt = expected_metrics(pred_t, data.yt, data.gt)
        check_against_aif360(data, pred_t, mt)
        pred_tr = model.predict(data.dataset("train", scores=s)).labels.ravel().astype(int)
        res[key] = {
            "aif360_class": "RejectOptionClassification", "metric_name": name,
            "metric_bounds": [-0.05, 0.05],
            "grid": {"low_class_thresh": 0.01, "high_class_thresh": 0.99, "num_class_thresh": 100,
                     "num_ROC_margin": 50},
            "classification_threshold": t, "roc_margin": m,
            "grid_index": [int(idx[0]) // 50, int(idx[0]) % 50],
            "train_balanced_accuracy": float(grid[idx[0], 2]), "train_metric": float(grid[idx[0], 3]),
            "feasible_pairs": int(feas.sum()), "pairs_tied_at_best": int(len(idx)),
            "tied_pairs": [[float(grid[i, 0]), float(grid[i, 1])] for i in idx[:10]],
            "runner_up_balanced_accuracy": runner_up,
            "train": expected_metrics(pred_tr, data.y, data.g),
            "test": mt,
            "timing": times,
        }
    return {"variants": res}


# ----------------------------------------------------------------------------------------------
# massaging (Kamiran and Calders 2012), a plain reference implementation

def massaging_reference(s, y, g):
    """Relabel training rows so that the two groups' base rates (nearly) agree.

    * Ranker: the given scores s = P(label 1) (the base logistic regression on train).
    * Privileged (g = 1) and unprivileged (g = 0) groups; with P_g = number of label-1 rows and
      n_g = rows of group g, disc = P_1/n_1 - P_0/n_0. Nothing is changed when disc <= 0.
    * Promotion candidates: unprivileged rows with label 0, by score descending.
      Demotion candidates: privileged rows with label 1, by score ascending.
      Ties in score: lower row index first in both lists (a stable sort on the score).
    * The paper's number of modifications is M* = disc * n_0 * n_1 / n (one promotion plus one
      demotion per modification); it equalizes the base rates exactly when it is an integer.
      The paper gives no rounding rule; we take the nearest integer, halves up:
      M = floor((2 * (P_1 * n_0 - P_0 * n_1) + n) / (2 * n)) in exact integer arithmetic, which
      minimizes the remaining |disc|; then M = min(M, #promotion candidates, #demotion candidates).
    * The first M promotion candidates get label 1, the first M demotion candidates label 0.
    """
    s, y, g = np.asarray(s, float), np.asarray(y, int), np.asarray(g, int)
    n, n1, n0 = len(y), int((g == 1).sum()), int((g == 0).sum())
    p1, p0 = int(((g == 1) & (y == 1)).sum()), int(((g == 0) & (y == 1)).sum())
    num = p1 * n0 - p0 * n1
    m_exact = num / n
    m = max(0, (2 * num + n) // (2 * n)) if num > 0 else 0
    rows = np.arange(n)
    pr = rows[(g == 0) & (y == 0)]
    pr = pr[np.lexsort((pr, -s[pr]))]
    dem = rows[(g == 1) & (y == 1)]
    dem = dem[np.lexsort((dem, s[dem]))]
    m = min(m, len(pr), len(dem))
    y_new = y.copy()
    y_new[pr[:m]] = 1
    y_new[dem[:m]] = 0
    return {"m_exact": m_exact, "m": int(m), "promotion_order": pr, "demotion_order": dem,
            "labels": y_new}


def aequitas_cross_check(s, y, g, ours):
    """Run Aequitas Flow's Massaging with a ranker that returns our scores; compare.

    Aequitas rounds M up (math.ceil) and sorts with pandas' default (unstable) sort, so we compare
    its relabelled rows with our candidate lists cut at its own M.
    """
    try:
        import aequitas
    except ImportError as e:
        return {"ran": False, "why": f"aequitas not importable: {e}"}
    # aequitas.flow's package __init__ imports its optional 'flow' extras (hydra, optuna, torch, ...)
    # on import; load only the massaging module and the two small helpers it needs.
    import logging
    base = os.path.join(os.path.dirname(aequitas.__file__), "flow")
    saved = {k: sys.modules.get(k) for k in ["aequitas.flow", "aequitas.flow.utils",
                                             "aequitas.flow.methods",
                                             "aequitas.flow.methods.preprocessing", "fkref_ranker"]}
    try:
        for name, sub in [("aequitas.flow", ""), ("aequitas.flow.utils", "utils"),
                          ("aequitas.flow.methods", "methods"),
                          ("aequitas.flow.methods.preprocessing", "methods/preprocessing")]:
            mod = types.ModuleType(name)
            mod.__path__ = [os.path.join(base, sub)]
            sys.modules[name] = mod
        sys.modules["aequitas.flow.utils"].create_logger = lambda name: logging.getLogger(name)
        ranker_mod = types.ModuleType("fkref_ranker")

        class FixedRanker:
            def __init__(self, **kwargs):  # aequitas inspects the constructor's signature
                pass

            def fit(self, X, y):
                return self

            def predict_proba(self, X):
                return np.column_stack([1 - s, s])

        ranker_mod.FixedRanker = FixedRanker
        sys.modules["fkref_ranker"] = ranker_mod
        mass = importlib.import_module("aequitas.flow.methods.preprocessing.massaging")
        X = pd.DataFrame({"dummy": np.zeros(len(y))})
        yy = pd.Series(y)
        ss = pd.Series(np.where(g == 1, "privileged", "unprivileged"))
        mm = mass.Massaging(classifier="fkref_ranker.FixedRanker")
        mm.fit(X, yy, ss)
        _, y_aeq, _ = mm.transform(X, yy, ss)
        y_aeq = y_aeq.to_numpy(int)
        m_aeq = int(mm.m)
        y_ours_at_m = y.copy()
        y_ours_at_m[ours["promotion_order"][:m_aeq]] = 1
        y_ours_at_m[ours["demotion_order"][:m_aeq]] = 0
        diff = np.where(y_aeq != y_ours_at_m)[0]
        cut_scores = set()
        for order in (ours["promotion_order"], ours["demotion_order"]):
            if 0 < m_aeq <= len(order):
                cut_scores.add(float(s[order[m_aeq - 1]]))
        return {"ran": True, "aequitas_version": importlib.metadata.version("aequitas"),
                "aequitas_m": m_aeq, "our_m": ours["m"],
                "same_rows_at_aequitas_m": bool(len(diff) == 0),
                "rows_that_differ": int(len(diff)),
                "differences_only_among_rows_tied_at_the_cut_score": bool(
                    all(float(s[i]) in cut_scores for i in diff))}
    except Exception as e:  # a cross-check only: report, do not fail the reference run
        return {"ran": False, "why": f"{type(e).__name__}: {e}"}
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def run_massaging(data, s, st, reps, budget):
    out, times = repeat(lambda: massaging_reference(s, data.y, data.g), reps, budget,
                        same=lambda a, b: np.array_equal(a["labels"], b["labels"]))
    m = out["m"]
    pr, dem = out["promotion_order"], out["demotion_order"]
    y_new = out["labels"]

    def cut_tie(order):
        if m == 0 or m >= len(order):
            return False
        return bool(s[order[m - 1]] == s[order[m]])

    lr = LogisticRegression(solver="lbfgs", C=1.0, max_iter=1000).fit(data.X, y_new)
    pt = (lr.predict_proba(data.Xt)[:, 1] > 0.5).astype(int)
    br = lambda yy, grp: float(yy[data.g == grp].mean())
    return {
        "implementation": "reference implementation in this script (not in AIF360)",
        "ranker": "base logistic scores on train",
        "m_exact": out["m_exact"], "m": m,
        "promoted_rows": [int(i) for i in pr[:m]], "demoted_rows": [int(i) for i in dem[:m]],
        "promotion_candidates": int(len(pr)), "demotion_candidates": int(len(dem)),
        "next_promotion_candidates": [int(i) for i in pr[m:m + 10]],
        "next_demotion_candidates": [int(i) for i in dem[m:m + 10]],
        "tie_at_cut": {"promotion": cut_tie(pr), "demotion": cut_tie(dem)},
        "train_base_rates_before": {"privileged": br(data.y, 1), "unprivileged": br(data.y, 0)},
        "train_base_rates_after": {"privileged": br(y_new, 1), "unprivileged": br(y_new, 0)},
        "relabelled_fit": {"model": "LogisticRegression(lbfgs, C=1, max_iter=1000) on the massaged "
                                    "train labels, test predictions score > 0.5",
                           "test": expected_metrics(pt, data.yt, data.gt)},
        "aequitas_cross_check": aequitas_cross_check(s, data.y, data.g, out),
        "timing": times,
    }


# ----------------------------------------------------------------------------------------------
# in-processing and LFR

PR_SIGMOID_RANGE = np.log((1.0 - 1.0e-10) / 1.0e-10)  # Kamishima's clip of w.x


def pr_loss_grad(w, X, y, s, eta, C):
    """Kamishima's LRwPRType4 loss (same formula and sigmoid clip) with its correct gradient.

    loss = -sum_i [y_i log p_i + (1-y_i) log(1-p_i)]
           + eta * sum_i [p_i (log q_{s_i} - log r) + (1-p_i) (log(1-q_{s_i}) - log(1-r))]
           + C/2 * ||w||^2,
    p_i = sigmoid(x_i . w_{s_i}), q_s = mean of p over group s, r = mean of p over all rows.
    d/dw_g = sum_{i in g} [-(y_i - p_i) + eta p_i (1-p_i) (A_i - B_i)] x_i + C w_g with
    A_i = log q_{s_i} - log r, B_i = log(1-q_{s_i}) - log(1-r): the terms through dq and dr
    cancel (sum_{i in s} (p_i/q_s - (1-p_i)/(1-q_s)) = 0, and the same for r). Kamishima's
    grad_loss keeps a term -sum_{i in g} (p_i - r)/(r(1-r)) * (sum over ALL rows of dp)/n,
    which does not cancel, so AIF360 optimizes with a wrong gradient whenever eta > 0.
    """
    d = X.shape[1]
    W = w.reshape(2, d)
    z = np.clip(np.einsum("ij,ij->i", X, W[s]), -PR_SIGMOID_RANGE, PR_SIGMOID_RANGE)
    p = 1.0 / (1.0 + np.exp(-z))
    q = np.array([p[s == 0].mean(), p[s == 1].mean()])
    r = p.mean()
    ll = np.sum(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    a = np.log(q[s]) - np.log(r)
    b = np.log(1.0 - q[s]) - np.log(1.0 - r)
    f = np.sum(p * a + (1.0 - p) * b)
    loss = -ll + eta * f + 0.5 * C * np.sum(w * w)
    row = -(y - p) + eta * p * (1.0 - p) * (a - b)
    G = np.vstack([(row[s == k, None] * X[s == k]).sum(0) for k in (0, 1)]) + C * W
    return float(loss), G.ravel()


def check_pr_gradient(w, X, y, s, eta, C, h=1e-6):
    """Max relative error of pr_loss_grad's gradient against central differences."""
    _, g = pr_loss_grad(w, X, y, s, eta, C)
    fd = np.empty_like(w)
    for j in range(len(w)):
        e = np.zeros_like(w)
        e[j] = h
        fd[j] = (pr_loss_grad(w + e, X, y, s, eta, C)[0] - pr_loss_grad(w - e, X, y, s, eta, C)[0]) / (2 * h)
    err = float(np.max(np.abs(g - fd)) / max(1.0, np.max(np.abs(fd))))
    assert err < 1e-5, f"pr_loss_grad gradient check failed: {err}"
    return err


def run_prejudice_remover(data, reps, budget):
    res = {}
    kam = os.path.join(os.path.dirname(importlib.import_module(
        "aif360.algorithms.inprocessing.prejudice_remover").__file__), "kamfadm-2012ecmlpkdd")
    ds_tr, ds_te = data.dataset("train"), data.dataset("test")

    def load_pr(model):
        """The pickled Kamishima model: (coefficients, final loss, classifier)."""
        sys.path.insert(0, kam)
        try:
            with open(model.model_name, "rb") as f:
                clr = pickle.load(f)
        finally:
            sys.path.remove(kam)
        return np.asarray(clr.coef_, float), float(clr.f_loss_), clr

    for eta in PR_ETAS:
        models = []

        def fit_keep():
            mdl = PrejudiceRemover(eta=eta, sensitive_attr="sensitive", class_attr="label").fit(ds_tr)
            models.append(mdl)
            return mdl

        model, times = repeat(fit_keep, reps, budget,
                              same=lambda a, b: np.array_equal(load_pr(a)[0], load_pr(b)[0]))
        coef, loss, clr = load_pr(model)
        pred = model.predict(ds_te)
        labels, scores = pred.labels.ravel().astype(int), pred.scores.ravel()
        mt = expected_metrics(labels, data.yt, data.gt)
        check_against_aif360(data, labels, mt)
        tr_pred = model.predict(ds_tr).labels.ravel().astype(int)
        for mdl in models:
            with contextlib.suppress(OSError):
                os.unlink(mdl.model_name)
        k = coef.reshape(int(clr.n_sfv_), int(clr.n_features_))
        # optimizer diagnostics in Kamishima's own terms: [features, 1], s = 1 privileged
        Xk = np.c_[data.X, np.ones(len(data.y))]
        yk, sk = data.y.astype(float), data.g.astype(int)
        grad = clr.grad_loss(clr.coef_, Xk, yk, sk)
        init = type(clr)(eta=eta, C=1.0)
        init.n_s_, init.n_sfv_, init.n_features_, init.n_samples_ = 1, 2, Xk.shape[1], Xk.shape[0]
        init.c_s_ = np.array([np.sum(sk == 0), np.sum(sk == 1)], float)
        init.init_coef(3, Xk, yk, sk)
        init_loss = float(init.loss(init.coef_, Xk, yk, sk))
        # AIF360's fmin_cg uses Kamishima's analytic gradient, which does not match the loss when
        # eta > 0 (see pr_loss_grad); record the mismatch at the start, then run the same loss from
        # the same start to convergence with the correct gradient, for context
        _, g_ok = pr_loss_grad(init.coef_, Xk, yk, sk, eta, 1.0)
        g_kam = init.grad_loss(init.coef_, Xk, yk, sk)
        fd_check = check_pr_gradient(init.coef_, Xk, yk, sk, eta, 1.0)
        assert abs(pr_loss_grad(init.coef_, Xk, yk, sk, eta, 1.0)[0] - init_loss) <= 1e-9 * abs(init_loss)
        t0 = time.perf_counter()
        opt = scipy.optimize.minimize(pr_loss_grad, init.coef_.copy(), args=(Xk, yk, sk, eta, 1.0),
                                      jac=True, method="L-BFGS-B",
                                      options={"maxiter": 10000, "maxfun": 20000, "gtol": 1e-6})
        conv_secs = time.perf_counter() - t0
        init.coef_ = opt.x
        conv_lab = init.predict(np.c_[data.Xt, data.gt]).astype(int)
        _, conv_grad = pr_loss_grad(opt.x, Xk, yk, sk, eta, 1.0)
        kam_loss_at_opt = float(init.loss(opt.x, Xk, yk, sk))
        res[f"eta_{eta:g}"] = {
            "aif360_class": "PrejudiceRemover", "eta": eta, "C": 1.0,
            "model": "Kamishima LRwPRType4: one logistic weight vector per group (row 0 = "
                     "unprivileged, row 1 = privileged; last entry = intercept); loss = "
                     "-loglik + eta * prejudice index + 0.5 * C * ||w||^2 over both rows; "
                     "init = per-group sklearn LogisticRegression(C=1, fit_intercept=False on "
                     "[features, 1]); scipy fmin_cg maxiter=100",
            "coefficients": k.tolist(), "final_loss": loss,
            "initial_loss": init_loss,
            "final_gradient_norm": float(np.linalg.norm(grad)),
            "final_gradient_max_abs": float(np.max(np.abs(grad))),
            "kamishima_gradient_at_start": {
                "max_abs_error": float(np.max(np.abs(g_kam - g_ok))),
                "max_abs_correct": float(np.max(np.abs(g_ok))),
                "correct_gradient_vs_finite_differences_max_rel_error": fd_check,
            },
            "converged_reference": {
                "optimizer": "scipy L-BFGS-B on the same loss from the same start with the "
                             "correct gradient, gtol=1e-6 (not AIF360; context: how far "
                             "AIF360's result is from the optimum of its own objective)",
                "iterations": int(opt.nit), "success": bool(opt.success),
                "final_loss": float(opt.fun), "kamishima_loss_at_optimum": kam_loss_at_opt,
                "final_gradient_max_abs": float(np.max(np.abs(conv_grad))),
                "seconds": conv_secs,
                "test": expected_metrics(conv_lab, data.yt, data.gt),
            },
            "train": expected_metrics(tr_pred, data.y, data.g),
            "test": mt,
            "test_score_mean": float(np.mean(scores)),
            "timing": times,
        }
    return {"variants": res}


LFR_PARAMS = {"k": 5, "Ax": 0.01, "Ay": 1.0, "Az": 50.0, "maxiter": 5000, "maxfun": 5000,
              "threshold": 0.5, "optimizer": "scipy fmin_l_bfgs_b, approx_grad=True, epsilon=1e-5",
              "seeding": "np.random.seed(seed) before the uniform initialization"}


def run_lfr(data, budget, existing=None, save=None, only=None, others=()):
    """LFR over SEEDS. Seeds already in `existing` or in one of `others` (earlier results for the
    same dataset and params, e.g. from parallel runs) are kept, so an interrupted run resumes;
    `only` restricts which of the missing seeds this call fits; `save(partial)` is called after
    every seed (an Adult seed takes about 3 CPU minutes)."""
    ds_tr, ds_te = data.dataset("train"), data.dataset("test")
    done = {}
    for prev in [existing, *others]:
        if prev and prev.get("params") == LFR_PARAMS:
            for r in prev.get("seeds", []):
                if "cpu_seconds" in r:
                    done.setdefault(r["seed"], r)
    idx_u, idx_p = np.where(data.g == 0)[0], np.where(data.g == 1)[0]
    per_seed = []

    def result():
        walls = [r["fit_seconds"] for r in per_seed]
        out = {
            "aif360_class": "LFR",
            "params": LFR_PARAMS,
            "predictions": "the LFR's own labels (y_hat > 0.5) on test; lr_on_representation_test: "
                           "LogisticRegression(lbfgs, C=1) on the transformed train features with "
                           "the TRUE train labels, applied to the transformed test features (context)",
            "seeds_planned": SEEDS,
            "seeds": per_seed,
            "complete": [r["seed"] for r in per_seed] == SEEDS,
            "summary": {"test_accuracy": spread([r["test"]["accuracy"] for r in per_seed]),
                        "test_demographic_parity_difference": spread(
                            [r["test"]["demographic_parity_difference"] for r in per_seed]),
                        "test_statistical_parity_difference": spread(
                            [r["test"]["statistical_parity_difference"] for r in per_seed])},
            "timing": time_summary(walls, [r["cpu_seconds"] for r in per_seed],
                                   [r["load_average_1min_at_start"] for r in per_seed],
                                   note="one fit per seed"),
        }
        return out

    for seed in SEEDS:
        if seed in done:
            per_seed.append(done[seed])
            continue
        if only is not None and seed not in only:
            continue
        model, w, c, l = timed(lambda: LFR(UNPRIV, PRIV, k=5, Ax=0.01, Ay=1.0, Az=50.0,
                                           verbose=0, seed=seed).fit(ds_tr, maxiter=5000, maxfun=5000))
        te = model.transform(ds_te, threshold=0.5)
        tr = model.transform(ds_tr, threshold=0.5)
        lab_t, lab_tr = te.labels.ravel().astype(int), tr.labels.ravel().astype(int)
        mt = expected_metrics(lab_t, data.yt, data.gt)
        check_against_aif360(data, lab_t, mt)
        obj = lfr_helpers.LFR_optim_objective(model.learned_model, data.X[idx_u], data.X[idx_p],
                                              data.y[idx_u].astype(float), data.y[idx_p].astype(float),
                                              5, 0.01, 1.0, 50.0, 250, 0)
        lr = LogisticRegression(solver="lbfgs", C=1.0, max_iter=1000).fit(tr.features, data.y)
        lr_pred = (lr.predict_proba(te.features)[:, 1] > 0.5).astype(int)
        per_seed.append({
            "seed": seed, "fit_seconds": w, "cpu_seconds": c, "load_average_1min_at_start": round(l, 2),
            "final_objective": float(obj),
            "w": model.w.tolist(), "prototypes": model.prototypes.tolist(),
            "train": expected_metrics(lab_tr, data.y, data.g), "test": mt,
            "lr_on_representation_test": expected_metrics(lr_pred, data.yt, data.gt),
        })
        if save is not None:
            save(result())
        print(f"{data.name} lfr seed {seed} done in {w:.1f} s", file=sys.stderr, flush=True)
    return result()


def spread(vals):
    v = np.asarray(vals, float)
    return {"min": float(v.min()), "max": float(v.max()), "mean": float(v.mean()),
            "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0, "values": v.tolist()}


def audit_group(dataset, predictions):
    """The FP auditor's most unfair subgroup for (soft or hard) predictions on dataset."""
    aud = Auditor(dataset, "FP")
    preds = list(np.asarray(predictions, float))
    base = aud.get_baseline(aud.y_input, preds)
    grp = aud.get_group(preds, base)
    members = np.asarray(grp.func.predict(aud.X_prime)).astype(int)
    g = dataset.protected_attributes[:, dataset.protected_attribute_names.index("sensitive")].astype(int)
    return {
        "fp_baseline": float(base),
        "subgroup": {
            "rule": "row in subgroup iff b1.coef . x' + b1.intercept < b0.coef . x' + b0.intercept, "
                    "x' = protected columns " + json.dumps(list(aud.X_prime.columns)),
            "b0": {"coef": np.asarray(grp.func.b0.coef_, float).tolist(),
                   "intercept": float(grp.func.b0.intercept_)},
            "b1": {"coef": np.asarray(grp.func.b1.coef_, float).tolist(),
                   "intercept": float(grp.func.b1.intercept_)},
            "privileged_rows_in_subgroup": int(members[g == 1].sum()),
            "unprivileged_rows_in_subgroup": int(members[g == 0].sum()),
        },
        "group_size": float(grp.group_size),
        "weighted_disparity": float(grp.weighted_disparity),
        "disparity": float(grp.disparity),
        "disparity_direction": int(grp.disparity_direction),
        "group_rate": float(grp.group_rate),
    }


def run_gerryfair(data, reps, budget, extra=()):
    ds_tr, ds_te = data.dataset("train", extra_protected=extra), data.dataset("test", extra_protected=extra)

    def fit():
        return GerryFairClassifier(C=10, printflag=False, max_iters=10, gamma=0.01,
                                   fairness_def="FP").fit(ds_tr, early_termination=True)

    model, times = repeat(fit, reps, budget, same=lambda a, b: a.errors == b.errors)
    hard_t = model.predict(ds_te, threshold=0.5).labels.ravel().astype(int)
    soft_t = model.predict(ds_te, threshold=False).labels.ravel().astype(float)
    soft_tr = model.predict(ds_tr, threshold=False).labels.ravel().astype(float)
    hard_tr = model.predict(ds_tr, threshold=0.5).labels.ravel().astype(int)
    mt = expected_metrics(hard_t, data.yt, data.gt)
    check_against_aif360(data, hard_t, mt)
    X, _, _ = gerry_clean.extract_df_from_ds(ds_tr)
    return {
        "aif360_class": "GerryFairClassifier",
        "params": {"C": 10, "max_iters": 10, "gamma": 0.01, "fairness_def": "FP",
                   "predictor": "sklearn LinearRegression", "early_termination": True},
        "protected_attributes": list(ds_tr.protected_attribute_names),
        "learner_features": list(X.columns),
        "learner_features_note": "AIF360 re-adds the protected column `sensitive` (1 = privileged) "
                                 "as the last learner feature",
        "iterations": len(model.errors), "classifiers": len(model.classifiers),
        "errors": [float(e) for e in model.errors],
        "fairness_violations": [float(v) for v in model.fairness_violations],
        "test": mt,
        "test_expected_soft": expected_metrics(soft_t, data.yt, data.gt),
        "test_audit_soft": audit_group(ds_te, soft_t),
        "test_audit_hard": audit_group(ds_te, hard_t),
        "train": expected_metrics(hard_tr, data.y, data.g),
        "train_audit_soft": audit_group(ds_tr, soft_tr),
        "timing": times,
    }


def run_adversarial(data, budget):
    import tensorflow as tf_full
    import tensorflow.compat.v1 as tf
    tf.disable_eager_execution()
    from aif360.algorithms.inprocessing import AdversarialDebiasing
    ds_tr, ds_te = data.dataset("train"), data.dataset("test")
    per_seed, walls, cpus, loads = [], [], [], []
    for seed in SEEDS:
        graph = tf.Graph()
        with graph.as_default():
            cfg = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
            sess = tf.Session(config=cfg, graph=graph)
            model = AdversarialDebiasing(UNPRIV, PRIV, scope_name="adv", sess=sess, seed=seed,
                                         adversary_loss_weight=0.1, num_epochs=50, batch_size=128,
                                         classifier_num_hidden_units=200, debias=True)
            model, w, c, l = timed(lambda: model.fit(ds_tr))
            walls.append(w); cpus.append(c); loads.append(l)
            te = model.predict(ds_te)
            lab = te.labels.ravel().astype(int)
            sess.close()
        mt = expected_metrics(lab, data.yt, data.gt)
        check_against_aif360(data, lab, mt)
        per_seed.append({"seed": seed, "fit_seconds": w, "test": mt})
    return {
        "aif360_class": "AdversarialDebiasing",
        "tensorflow": tf_full.__version__,
        "params": {"adversary_loss_weight": 0.1, "num_epochs": 50, "batch_size": 128,
                   "classifier_num_hidden_units": 200, "debias": True,
                   "session": "tf.compat.v1, eager disabled, one graph per seed, 1 intra/1 inter op thread"},
        "seeds": per_seed,
        "summary": {"test_accuracy": spread([r["test"]["accuracy"] for r in per_seed]),
                    "test_demographic_parity_difference": spread(
                        [r["test"]["demographic_parity_difference"] for r in per_seed]),
                    "test_statistical_parity_difference": spread(
                        [r["test"]["statistical_parity_difference"] for r in per_seed]),
                    "test_equalized_odds_difference": spread(
                        [r["test"]["equalized_odds_difference"] for r in per_seed])},
        "timing": time_summary(walls, cpus, loads, note="one fit per seed"),
    }


# ----------------------------------------------------------------------------------------------
# output

def clean(o):
    """JSON has no NaN / inf: write null (README says so)."""
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, (np.floating, float)):
        f = float(o)
        return f if math.isfinite(f) else None
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.bool_):
        return bool(o)
    return o


def versions():
    v = {"python": platform.python_version(), "aif360": aif360.__version__, "numpy": np.__version__,
         "pandas": pd.__version__, "scikit-learn": sklearn.__version__, "scipy": scipy.__version__}
    for pkg in ["BlackBoxAuditing", "tensorflow-cpu", "aequitas"]:
        try:
            v[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            v[pkg] = None
    return v


def cpu_model():
    with contextlib.suppress(OSError):
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--datasets", default="compas,adult")
    ap.add_argument("--methods", default=",".join(ALL_METHODS),
                    help="subset to (re)run; other keys of an existing OUTDIR/<ds>.json are kept")
    ap.add_argument("--reps", type=int, default=3, help="timing repetitions of deterministic fits")
    ap.add_argument("--budget", type=float, default=240.0,
                    help="stop repeating a fit once this many wall seconds were spent on it")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--prepared", default=os.path.join(root, "..", "shared", "reference", "prepared"))
    ap.add_argument("--seeds", type=lambda v: [int(x) for x in v.split(",") if x], default=None,
                    help="LFR: fit only these of the missing seeds (e.g. one seed per parallel run)")
    ap.add_argument("--lfr-from", nargs="*", default=[], metavar="DIR",
                    help="LFR: also keep the finished seeds found in DIR/<ds>.json (parallel runs)")
    ap.add_argument("--summary", action="store_true",
                    help="only print the markdown table of the results already in OUTDIR")
    args = ap.parse_args()
    if args.summary:
        print(summary_table(args.outdir, [d for d in args.datasets.split(",") if d]))
        return
    methods = [m for m in args.methods.split(",") if m]
    unknown = set(methods) - set(ALL_METHODS)
    if unknown:
        ap.error(f"unknown method(s): {sorted(unknown)}; known: {ALL_METHODS}")
    os.makedirs(args.outdir, exist_ok=True)

    for name in [d for d in args.datasets.split(",") if d]:
        data = Data(name, args.prepared)
        path = os.path.join(args.outdir, f"{name}.json")
        doc = json.load(open(path)) if os.path.exists(path) else {}
        lr, s, st = base_scores(data)
        for split, sc in [("train", s), ("test", st)]:
            out = os.path.join(args.outdir, f"{name}_{split}_scores.csv")
            write_scores(out + ".tmp", sc)
            os.replace(out + ".tmp", out)
        doc.update({
            "schema_version": SCHEMA_VERSION,
            "dataset": name,
            "generated_by": "scripts/aif360_reference.py",
            "versions": versions(),
            "machine": {"cpu": cpu_model(), "logical_cpus": os.cpu_count(),
                        "blas_and_tf_threads": 1},
            "conventions": {
                "favourable_label": 1,
                "privileged_value": data.privileged_value,
                "unprivileged_value": data.unprivileged_value,
                "privileged_rule": "the group with the higher training base rate of label 1",
                "protected_attribute_in_features": False,
                "signed_differences": "unprivileged minus privileged",
                "row_indices": "0-based data rows of the prepared train file (header excluded)",
            },
            "data": {"train_rows": int(len(data.y)), "test_rows": int(len(data.yt)),
                     "features": len(data.features),
                     "train_base_rates": {"privileged": float(data.y[data.g == 1].mean()),
                                          "unprivileged": float(data.y[data.g == 0].mean())}},
            "base_scores": {
                "model": "sklearn LogisticRegression(solver='lbfgs', C=1.0, penalty='l2', "
                         "max_iter=1000, tol=1e-4, fit_intercept=True), unweighted, train features",
                "files": {"train": f"{name}_train_scores.csv", "test": f"{name}_test_scores.csv"},
                "coefficients": lr.coef_.ravel().tolist(), "intercept": float(lr.intercept_[0]),
                "hard_prediction": "score > 0.5",
                "train": expected_metrics((s > 0.5).astype(int), data.y, data.g),
                "test": expected_metrics((st > 0.5).astype(int), data.yt, data.gt),
            },
        })
        runs = {
            "eq_odds": lambda: run_eq_odds(data, s, st, args.reps, args.budget),
            "calibrated_eq_odds": lambda: run_calibrated_eq_odds(data, s, st, args.reps, args.budget),
            "reject_option": lambda: run_reject_option(data, s, st, args.reps, args.budget),
            "massaging": lambda: run_massaging(data, s, st, args.reps, args.budget),
            "prejudice_remover": lambda: run_prejudice_remover(data, args.reps, args.budget),
            "lfr": lambda: run_lfr(data, args.budget, doc.get("lfr"),
                                   lambda partial: (doc.__setitem__("lfr", partial),
                                                    write_json(path, doc)),
                                   only=args.seeds,
                                   others=[json.load(open(f)).get("lfr") for f in
                                           (os.path.join(d, f"{name}.json") for d in args.lfr_from)
                                           if os.path.exists(f)]),
            "gerryfair": lambda: run_gerryfair(data, args.reps, args.budget),
            "gerryfair_rich": lambda: run_gerryfair(data, args.reps, args.budget, RICH[name]),
            "adversarial": lambda: run_adversarial(data, args.budget),
        }
        for m in methods:
            t0 = time.perf_counter()
            load0 = os.getloadavg()
            print(f"{name} {m} ...", file=sys.stderr, flush=True)
            result = runs[m]()
            result["run"] = {"finished_utc": datetime.datetime.now(datetime.timezone.utc)
                             .strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "load_average_at_start": [round(x, 2) for x in load0],
                             "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                             "total_wall_seconds": round(time.perf_counter() - t0, 3)}
            doc[m] = result
            print(f"{name} {m} done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            # every method's result (and the scores, above) is written as soon as it exists (runs
            # take long); each write is atomic (temporary file, then rename), so no file is ever
            # half written
            write_json(path, doc)
        write_json(path, doc)


def summary_table(outdir, datasets):
    """Markdown table of the headline numbers of OUTDIR/<ds>.json (for the README)."""
    lines = ["| method | dataset | test accuracy | target disparity (test) | spread over seeds "
             "(min to max, sd) | fit s (wall, median) | CPU s (median) | load (1 min) |",
             "|---|---|---|---|---|---|---|---|"]
    f = lambda v: "n/a" if v is None else f"{v:.4f}"

    def row(method, ds, acc, disp, spread_txt, timing):
        loads = timing["load_average_1min_at_start"]
        lines.append(f"| {method} | {ds} | {acc} | {disp} | {spread_txt} | "
                     f"{timing['fit_seconds_median']:.3g} | {timing['cpu_seconds_median']:.3g} | "
                     f"{min(loads):.0f}-{max(loads):.0f} |")

    for ds in datasets:
        path = os.path.join(outdir, f"{ds}.json")
        if not os.path.exists(path):
            continue
        d = json.load(open(path))
        if "eq_odds" in d:
            e = d["eq_odds"]
            row("eq-odds (expected)", ds, f(e["test_expected"]["accuracy"]),
                f"EO {f(e['test_expected']['equalized_odds_difference'])}", "-", e["timing"])
        for cost, v in d.get("calibrated_eq_odds", {}).get("variants", {}).items():
            mr = v["mix_rates"]
            row(f"calibrated-eq-odds {cost} (expected; mix p {mr['privileged']:.3g}, "
                f"u {mr['unprivileged']:.3g})", ds, f(v["test_expected"]["accuracy"]),
                f"EO {f(v['test_expected']['equalized_odds_difference'])}", "-", v["timing"])
        short = {"statistical_parity_difference": "SPD", "average_odds_difference": "AOD",
                 "equal_opportunity_difference": "EOD"}
        for key, v in d.get("reject_option", {}).get("variants", {}).items():
            row(f"reject-option {short[key]} (t {v['classification_threshold']:.4f}, "
                f"m {v['roc_margin']:.4f})", ds, f(v["test"]["accuracy"]),
                f"{short[key]} {f(v['test'][key])}", "-", v["timing"])
        if "massaging" in d:
            m = d["massaging"]
            row(f"massaging (M = {m['m']}; LR refit)", ds, f(m["relabelled_fit"]["test"]["accuracy"]),
                f"DP {f(m['relabelled_fit']['test']['demographic_parity_difference'])}", "-",
                m["timing"])
        for key, v in d.get("prejudice_remover", {}).get("variants", {}).items():
            c = v.get("converged_reference")
            extra = "" if not c else (f" (converged: {f(c['test']['accuracy'])} / "
                                      f"{f(c['test']['demographic_parity_difference'])})")
            row(f"prejudice-remover eta {v['eta']:g}", ds, f(v["test"]["accuracy"]),
                f"DP {f(v['test']['demographic_parity_difference'])}{extra}", "-", v["timing"])
        for key, name in [("lfr", "lfr"), ("adversarial", "adversarial")]:
            if key in d:
                s = d[key]["summary"]
                a, p = s["test_accuracy"], s["test_demographic_parity_difference"]
                row(f"{name} (mean of 5 seeds)", ds, f(a["mean"]), f"DP {f(p['mean'])}",
                    f"acc {a['min']:.4f}-{a['max']:.4f} (sd {a['sd']:.4f}); DP {p['min']:.4f}-"
                    f"{p['max']:.4f} (sd {p['sd']:.4f})", d[key]["timing"])
        for key in ["gerryfair", "gerryfair_rich"]:
            if key in d:
                g = d[key]
                row(key.replace("_", "-"), ds, f(g["test"]["accuracy"]),
                    f"FP γ {g['test_audit_soft']['weighted_disparity']:.5f}; DP "
                    f"{f(g['test']['demographic_parity_difference'])}", "-", g["timing"])
    return "\n".join(lines)


def write_json(path, doc):
    order = ["schema_version", "dataset", "generated_by", "versions", "machine", "conventions", "data",
             "base_scores"] + ALL_METHODS
    doc = {k: doc[k] for k in order if k in doc} | {k: v for k, v in doc.items() if k not in order}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(clean(doc), f, indent=1, allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
