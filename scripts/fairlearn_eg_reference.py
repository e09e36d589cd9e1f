# Prints what fairlearn 0.15.0 ExponentiatedGradient reaches on a prepared dataset, for the
# comparison in crates/reductions/benches/exp_grad.rs (never a dependency of cargo test).
#
# Usage: $PYTHON scripts/fairlearn_eg_reference.py [adult|compas] [reps]
# Reads ../shared/reference/prepared/<name>_{train,test}.csv (features, `label`, `sensitive`),
# fits LogisticRegression(lbfgs, max_iter=1000, C=1) inside ExponentiatedGradient(eps=0.01) for
# demographic parity and equalized odds, and prints fit seconds (median of `reps`), iterations,
# oracle calls, best gap and the expected test accuracy and disparity computed from the mixture's
# probabilities (expected confusion counts, p as a fractional prediction). BLAS is limited to one
# thread, the fastest setting on 2 cores (see reference/README.md).
import os
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import sys, time, json, warnings
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from fairlearn.reductions import ExponentiatedGradient, DemographicParity, EqualizedOdds, TruePositiveRateParity

warnings.filterwarnings("ignore")
name = sys.argv[1] if len(sys.argv) > 1 else "adult"
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 1
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "reference", "prepared")
train = pd.read_csv(os.path.join(root, f"{name}_train.csv"))
test = pd.read_csv(os.path.join(root, f"{name}_test.csv"))
feat = [c for c in train.columns if c not in ("label", "sensitive")]
X, y, A = train[feat].to_numpy(), train["label"].to_numpy(), train["sensitive"].astype(str)
Xt, yt, At = test[feat].to_numpy(), test["label"].to_numpy(), test["sensitive"].astype(str).to_numpy()


def expected_metrics(p, y, a):
    out = {"accuracy": float(np.mean(np.where(y == 1, p, 1 - p)))}
    sr, tpr, fpr = {}, {}, {}
    for g in sorted(set(a)):
        m = a == g
        sr[g] = p[m].mean()
        tpr[g] = p[m & (y == 1)].mean()
        fpr[g] = p[m & (y == 0)].mean()
    d = lambda v: float(max(v.values()) - min(v.values()))
    out["demographic_parity_difference"] = d(sr)
    out["equal_opportunity_difference"] = d(tpr)
    out["equalized_odds_difference"] = max(d(tpr), d(fpr))
    return out


results = {}
for key, cons in [("eg_dp", DemographicParity), ("eg_eo", EqualizedOdds), ("eg_tprp", TruePositiveRateParity)]:
    times, cpu = [], []
    for _ in range(reps):
        eg = ExponentiatedGradient(LogisticRegression(max_iter=1000, C=1.0), cons(), eps=0.01)
        t0, c0 = time.perf_counter(), time.process_time()
        eg.fit(X, y, sensitive_features=A)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    p = eg._pmf_predict(Xt)[:, 1]
    results[key] = {
        "fit_seconds_median": float(np.median(times)),
        "fit_cpu_seconds_median": float(np.median(cpu)),
        "iterations": int(eg.last_iter_ + 1),
        "oracle_calls": int(eg.n_oracle_calls_),
        "predictors": len(eg.predictors_),
        "best_gap": float(eg.best_gap_),
        "nu": float(eg.nu),
        "expected_test": expected_metrics(p, yt, At),
    }
    print(key, json.dumps(results[key]), flush=True)
