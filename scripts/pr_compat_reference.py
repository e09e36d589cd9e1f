"""Reference values for fairkit's `prejudice-remover --aif360-compat` (issue 15).

Usage (the interpreter comes from the caller; never a fixed path):

    $PYTHON scripts/pr_compat_reference.py OUTFILE [--prepared DIR] [--datasets compas,adult]

`$PYTHON` is the AIF360 0.6.1 venv of scripts/aif360_reference.py (numpy 2.4.6, scipy 1.17.1,
scikit-learn 1.9.1). Writes one JSON file (committed as tests/data/aif360/pr_compat.json):

- `gradient`: Kamishima's `LRwPRType4.loss` and `grad_loss` (AIF360's own code, read from the
  installed package) on a small fixed case (12 rows, 2 features + intercept, 2 groups) at three
  coefficient vectors and eta in {0, 1, 25}: fairkit's transcription of the formula must give
  the same numbers.
- `fmin_cg_small`: scipy `fmin_cg` (maxiter=100, the defaults AIF360 uses) minimizing
  Kamishima's loss with Kamishima's gradient on a 40-row case from a fixed start: final point,
  loss, iterations, evaluation counts, warnflag, and how many line searches fell back from
  MINPACK's dcsrch (`line_search_wolfe1`) to `line_search_wolfe2`.
- `datasets.<ds>.eta_<eta>`: on the prepared train file, AIF360's start (per-group scikit-learn
  LogisticRegression, Kamishima's `init_coef(3)`), and the same fmin_cg run as AIF360's
  (final coefficients, loss, iterations, evaluations, warnflag, wolfe2 fallbacks), so that a
  fairkit run from AIF360's own start can be compared with AIF360 step for step.
"""
import argparse
import importlib
import json
import os
import sys

import numpy as np
import scipy.optimize
import scipy.optimize._optimize as _opt

KAM = os.path.join(os.path.dirname(importlib.import_module(
    "aif360.algorithms.inprocessing.prejudice_remover").__file__), "kamfadm-2012ecmlpkdd")
sys.path.insert(0, KAM)
from fadm.lr.pr import LRwPRType4  # noqa: E402

ETAS = [1.0, 25.0, 100.0]


def model(X, s, eta, C=1.0):
    """A Kamishima model set up as its fit() does (X already has the trailing 1)."""
    m = LRwPRType4(eta=eta, C=C)
    m.n_s_, m.n_sfv_ = 1, int(np.max(s)) + 1
    m.c_s_ = np.array([np.sum(s == k) for k in range(m.n_sfv_)], float)
    m.n_features_, m.n_samples_ = X.shape[1], X.shape[0]
    return m


def small_case(n, seed):
    """A deterministic case: features from a fixed formula (no RNG), trailing 1, labels, groups."""
    i = np.arange(n, dtype=float)
    X = np.c_[np.sin(1.3 * i + 0.2 * seed), np.cos(0.7 * i) * 1.5 - 0.3, np.ones(n)]
    s = ((i * 5 + seed) % 3 == 0).astype(int)
    y = ((X[:, 0] + 0.8 * X[:, 1] + 0.9 * s - 0.2 + 0.6 * np.sin(3.1 * i)) > 0).astype(float)
    return X, y, s


class Wolfe2Counter:
    """Counts scipy's fallbacks to line_search_wolfe2 inside fmin_cg."""

    def __init__(self):
        self.n = 0
        self.orig = _opt.line_search_wolfe2

    def __enter__(self):
        def counted(*a, **k):
            self.n += 1
            return self.orig(*a, **k)
        _opt.line_search_wolfe2 = counted
        return self

    def __exit__(self, *exc):
        _opt.line_search_wolfe2 = self.orig


def run_cg(m, x0, X, y, s):
    with Wolfe2Counter() as c:
        x, fopt, fc, gc, warn = scipy.optimize.fmin_cg(
            m.loss, x0.copy(), fprime=m.grad_loss, args=(X, y, s), maxiter=100, disp=False,
            full_output=True)
    return {"x": x.tolist(), "loss": float(fopt), "function_calls": int(fc),
            "gradient_calls": int(gc), "warnflag": int(warn), "wolfe2_fallbacks": c.n}


def gradient_section():
    X, y, s = small_case(12, 0)
    points = [np.zeros(6), np.array([0.5, -0.3, 0.2, -0.4, 0.9, 0.1]),
              np.array([2.0, 1.5, -1.0, -3.0, 0.5, 2.5])]
    out = {"X": X.tolist(), "y": y.tolist(), "s": s.tolist(), "C": 1.0, "cases": []}
    for eta in [0.0, 1.0, 25.0]:
        m = model(X, s, eta)
        for w in points:
            out["cases"].append({"eta": eta, "coef": w.tolist(),
                                 "loss": float(m.loss(w, X, y, s)),
                                 "grad": m.grad_loss(w, X, y, s).tolist()})
    return out


def fmin_cg_small_section():
    X, y, s = small_case(40, 1)
    x0 = np.array([0.3, -0.2, 0.1, -0.5, 0.4, 0.2])
    out = {"X": X.tolist(), "y": y.tolist(), "s": s.tolist(), "C": 1.0, "start": x0.tolist(),
           "runs": []}
    for eta in [0.0, 5.0, 25.0]:
        r = run_cg(model(X, s, eta), x0, X, y, s)
        r["eta"] = eta
        out["runs"].append(r)
    return out


def dataset_section(prepared, name):
    import pandas as pd
    tr = pd.read_csv(os.path.join(prepared, f"{name}_train.csv"))
    feats = [c for c in tr.columns if c not in ("label", "sensitive")]
    rates = tr.groupby("sensitive")["label"].mean()
    priv = str(rates.idxmax())
    X = np.c_[tr[feats].to_numpy(float), np.ones(len(tr))]
    y = tr["label"].to_numpy(float)
    s = (tr["sensitive"].astype(str) == priv).to_numpy(int)
    out = {"privileged_value": priv}
    for eta in ETAS:
        m = model(X, s, eta)
        m.init_coef(3, X, y, s)
        start = m.coef_.copy()
        r = run_cg(m, start, X, y, s)
        r["start"] = start.reshape(2, -1).tolist()
        r["start_loss"] = float(m.loss(start, X, y, s))
        r["x"] = np.asarray(r["x"]).reshape(2, -1).tolist()
        out[f"eta_{eta:g}"] = r
        print(name, eta, r["loss"], r["warnflag"], r["wolfe2_fallbacks"], file=sys.stderr)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outfile")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--prepared", default=os.path.join(root, "..", "shared", "reference", "prepared"))
    ap.add_argument("--datasets", default="compas,adult")
    args = ap.parse_args()
    np.seterr(all="ignore")
    doc = {"generator": "scripts/pr_compat_reference.py",
           "versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                        "aif360": importlib.import_module("aif360").__version__},
           "gradient": gradient_section(), "fmin_cg_small": fmin_cg_small_section(),
           "datasets": {d: dataset_section(args.prepared, d) for d in args.datasets.split(",") if d}}
    with open(args.outfile + ".tmp", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(args.outfile + ".tmp", args.outfile)


if __name__ == "__main__":
    main()
