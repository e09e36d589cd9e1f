"""Times fairkit's Python module against Fairlearn 0.15 on the same arrays, from Python
(crossing into Rust included): MetricFrame on 1M rows, ExponentiatedGradient (demographic
parity, logistic regression) on Adult, ThresholdOptimizer (demographic parity over a logistic
regression it fits, and over one prefit scikit-learn model) on Adult. One BLAS thread, as the reference timings.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python scripts/python_speed.py [--shared DIR] [--reps N]

Run it with an interpreter that has fairkit (maturin develop), fairlearn and scikit-learn.
--shared is the reference data folder (default: ../shared beside the repository).
"""

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def best(f, reps):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def splitmix(n, n_groups):
    with np.errstate(over="ignore"):
        i = np.arange(1, n + 1, dtype=np.uint64)
        s = i * np.uint64(0x9E3779B97F4A7C15)
        z = (s ^ (s >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        h = z ^ (z >> np.uint64(31))
    y = (h & np.uint64(1)).astype(np.int64)
    p = np.where(((h >> np.uint64(8)) & np.uint64(0xFF)) < 64, (h >> np.uint64(1)) & np.uint64(1), y).astype(np.int64)
    return y, p, ((h >> np.uint64(32)) % np.uint64(n_groups)).astype(np.int64)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()

    import fairlearn.metrics as flm
    import fairlearn.postprocessing as flp
    import fairlearn.reductions as flr
    from sklearn.linear_model import LogisticRegression as SkLR
    from sklearn.metrics import accuracy_score

    import fairkit.metrics as fkm
    from fairkit.learners import LogisticRegression
    from fairkit.postprocessing import ThresholdOptimizer
    from fairkit.reductions import DemographicParity, ExponentiatedGradient

    rows = []

    y, p, g = splitmix(1_000_000, 2)
    fl_metrics = {"selection_rate": flm.selection_rate, "tpr": flm.true_positive_rate,
                  "fpr": flm.false_positive_rate, "accuracy": accuracy_score}

    def mf(mod):
        def run():
            m = mod.MetricFrame(metrics=fl_metrics, y_true=y, y_pred=p, sensitive_features=g)
            m.by_group, m.overall
        return run

    rows.append(("MetricFrame, 1M rows, 4 metrics, 2 groups", best(mf(flm), args.reps), best(mf(fkm), args.reps)))

    def read(part):
        df = pd.read_csv(args.shared / "reference" / "prepared" / f"adult_{part}.csv")
        return df.drop(columns=["label", "sensitive"]).to_numpy(float), df["label"].to_numpy(), df["sensitive"].to_numpy()

    X, Y, A = read("train")
    Xt, _, At = read("test")

    def eg_fl():
        m = flr.ExponentiatedGradient(SkLR(max_iter=1000), flr.DemographicParity(), eps=0.01)
        m.fit(X, Y, sensitive_features=A)
        m._pmf_predict(Xt)

    def eg_fk():
        m = ExponentiatedGradient(LogisticRegression(), DemographicParity(), eps=0.01)
        m.fit(X, Y, sensitive_features=A)
        m._pmf_predict(Xt)

    rows.append(("ExponentiatedGradient (DP, logistic), Adult fit + test pmf", best(eg_fl, args.reps), best(eg_fk, args.reps)))

    def to_fl():
        m = flp.ThresholdOptimizer(estimator=SkLR(max_iter=1000), constraints="demographic_parity",
                                   predict_method="predict_proba")
        m.fit(X, Y, sensitive_features=A)
        m._pmf_predict(Xt, sensitive_features=At)

    def to_fk():
        m = ThresholdOptimizer(estimator=LogisticRegression(), constraints="demographic_parity")
        m.fit(X, Y, sensitive_features=A)
        m._pmf_predict(Xt, sensitive_features=At)

    rows.append(("ThresholdOptimizer (DP, logistic), Adult fit + test pmf", best(to_fl, args.reps), best(to_fk, args.reps)))

    # The threshold search alone: both optimizers over one prefit scikit-learn model's scores.
    base = SkLR(max_iter=1000).fit(X, Y)

    def to_prefit(cls):
        def run():
            m = cls(estimator=base, constraints="demographic_parity", prefit=True, predict_method="predict_proba")
            m.fit(X, Y, sensitive_features=A)
            m._pmf_predict(Xt, sensitive_features=At)
        return run

    rows.append(("ThresholdOptimizer (DP), prefit sklearn model, Adult", best(to_prefit(flp.ThresholdOptimizer), args.reps),
                 best(to_prefit(ThresholdOptimizer), args.reps)))

    print(f"{'case':58} {'Fairlearn s':>12} {'fairkit s':>10} {'ratio':>7}")
    for name, a, b in rows:
        print(f"{name:58} {a:12.3f} {b:10.4f} {a / b:6.0f}x")


if __name__ == "__main__":
    main()
