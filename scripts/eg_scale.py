# Exponentiated gradient at scale, side by side: fairkit's `mitigate --method expgrad` and
# Fairlearn 0.15's ExponentiatedGradient(LogisticRegression) for demographic parity on the same
# files of the built-in scenario, from 10,000 to 4,000,000 rows (issue 21).
#
# Usage: python3 scripts/eg_scale.py FAIRKIT PYTHON [--rows 1e4,1e5,1e6,4e6] [--reps 3]
#                                                   [--threads 1,2] [--work DIR] [--seed 0]
#   FAIRKIT  the fairkit binary (build it with `cargo build --release`)
#   PYTHON   an interpreter with fairlearn 0.15.0, scikit-learn 1.9.1, numpy and pandas
#            (see scripts/README.md); this script itself needs only the standard library.
#
# For each size: `fairkit simulate --rows N --seed SEED` writes the rows; PYTHON splits them 70/30
# with a fixed numpy permutation and standardizes the five features with the training mean and
# population standard deviation, writing train.csv and test.csv; both sides read those files
# (fairkit with --no-standardize). Then, REPS times and interleaved (fairkit at each thread count
# of --threads, then Fairlearn): fairkit's fit seconds (`fit_seconds` of its JSON report) and the
# command's wall seconds; Fairlearn's fit seconds (`ExponentiatedGradient.fit`) and its process's
# wall seconds, with every BLAS and OpenMP pool at one thread. Medians are printed, with the
# expected test accuracy and demographic parity difference of both (fairkit's from its report,
# Fairlearn's from `_pmf_predict`, the mixture's probability as a fractional prediction).
# Both use eps 0.01, a difference bound of 0.01 and logistic regression with C = 1 (fairkit's
# Newton-Cholesky, scikit-learn's lbfgs, max_iter 1000). The ratio is Fairlearn's fit over
# fairkit's fit at the same row count.
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

WORKER = r"""
import os, sys, json, time
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[v] = "1"
import numpy as np, pandas as pd
mode, folder = sys.argv[1], sys.argv[2]
if mode == "split":
    df = pd.read_csv(os.path.join(folder, "sim.csv"))
    idx = np.random.RandomState(0).permutation(len(df))
    ntr = int(0.7 * len(df))
    train = df.iloc[idx[:ntr]].reset_index(drop=True)
    test = df.iloc[idx[ntr:]].reset_index(drop=True)
    feat = [c for c in df.columns if c not in ("group", "approved")]
    mu, sd = train[feat].mean(), train[feat].std(ddof=0)
    for part, name in ((train, "train"), (test, "test")):
        part = part.copy()
        part[feat] = (part[feat] - mu) / sd
        part.to_csv(os.path.join(folder, name + ".csv"), index=False)
    sys.exit(0)
from threadpoolctl import threadpool_limits
from sklearn.linear_model import LogisticRegression
from fairlearn.reductions import ExponentiatedGradient, DemographicParity
train = pd.read_csv(os.path.join(folder, "train.csv"))
test = pd.read_csv(os.path.join(folder, "test.csv"))
feat = [c for c in train.columns if c not in ("group", "approved")]
X, y, A = train[feat].to_numpy(), train["approved"].to_numpy(), train["group"].astype(str).to_numpy()
Xt, yt, At = test[feat].to_numpy(), test["approved"].to_numpy(), test["group"].astype(str).to_numpy()
with threadpool_limits(limits=1):
    eg = ExponentiatedGradient(LogisticRegression(max_iter=1000, C=1.0),
                               DemographicParity(difference_bound=0.01), eps=0.01)
    start = time.perf_counter()
    eg.fit(X, y, sensitive_features=A)
    seconds = time.perf_counter() - start
    p = eg._pmf_predict(Xt)[:, 1]
rates = [p[At == g].mean() for g in np.unique(At)]
print(json.dumps({
    "fit_seconds": seconds,
    "accuracy": float(np.mean(p * yt + (1 - p) * (1 - yt))),
    "dp_difference": float(max(rates) - min(rates)),
    "oracle_calls": int(eg.n_oracle_calls_),
}))
"""


def rows_list(text):
    return [int(float(v)) for v in text.split(",")]


def run_fairkit(fairkit, folder, threads):
    env = dict(os.environ)
    if threads:
        env["RAYON_NUM_THREADS"] = str(threads)
    cmd = [fairkit, "mitigate", "--data", os.path.join(folder, "train.csv"),
           "--test", os.path.join(folder, "test.csv"), "--label", "approved",
           "--sensitive", "group", "--no-standardize", "--method", "expgrad",
           "--constraint", "demographic_parity", "--format", "json"]
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    wall = time.perf_counter() - start
    report = json.loads(out)
    e = report["expected"]
    return {
        "fit_seconds": report["fit_seconds"],
        "wall": wall,
        "accuracy": e["overall"]["accuracy"],
        "dp_difference": e["disparities"]["demographic_parity_difference"],
    }


def run_fairlearn(python, worker, folder):
    start = time.perf_counter()
    out = subprocess.run([python, worker, "fit", folder], check=True, capture_output=True,
                         text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - start
    return result


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    parser = argparse.ArgumentParser(description="fairkit and Fairlearn exponentiated gradient at scale")
    parser.add_argument("fairkit")
    parser.add_argument("python")
    parser.add_argument("--rows", type=rows_list, default=rows_list("1e4,1e5,1e6,4e6"))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--threads", default="1,2",
                        help="fairkit thread counts (RAYON_NUM_THREADS), comma-separated")
    parser.add_argument("--work", help="folder for the data files (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    work = args.work or tempfile.mkdtemp(prefix="eg_scale_")
    os.makedirs(work, exist_ok=True)
    worker = os.path.join(work, "fairlearn_worker.py")
    with open(worker, "w") as f:
        f.write(WORKER)

    rows_out = []
    for n in args.rows:
        folder = os.path.join(work, f"rows_{n}")
        os.makedirs(folder, exist_ok=True)
        subprocess.run([args.fairkit, "simulate", "--rows", str(n), "--seed", str(args.seed),
                        "--out", os.path.join(folder, "sim.csv")], check=True)
        subprocess.run([args.python, worker, "split", folder], check=True)
        fk = {t: [] for t in threads}
        fl = []
        for rep in range(args.reps):
            for t in threads:
                fk[t].append(run_fairkit(args.fairkit, folder, t))
            fl.append(run_fairlearn(args.python, worker, folder))
            print(f"rows {n} rep {rep + 1}: " + ", ".join(
                f"fairkit {t} thread(s) fit {fk[t][-1]['fit_seconds']:.3f} s wall "
                f"{fk[t][-1]['wall']:.3f} s" for t in threads)
                + f"; fairlearn fit {fl[-1]['fit_seconds']:.3f} s wall {fl[-1]['wall']:.3f} s",
                file=sys.stderr, flush=True)
        rows_out.append((n, fk, fl))
        for name in ("sim.csv", "train.csv", "test.csv"):
            os.remove(os.path.join(folder, name))

    print(f"\nmedians of {args.reps} interleaved runs; fairkit at RAYON_NUM_THREADS = "
          f"{args.threads}, Fairlearn on one BLAS thread; accuracy and DP difference are the "
          "expected test values\n")
    head = "| rows |"
    for t in threads:
        head += f" fairkit fit ({t}t) | fairkit wall ({t}t) |"
    head += " Fairlearn fit | Fairlearn wall |"
    head += "".join(f" ratio ({t}t) |" for t in threads)
    head += " fairkit acc / DP | Fairlearn acc / DP |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for n, fk, fl in rows_out:
        line = f"| {n:,} |"
        for t in threads:
            line += f" {median(fk[t], 'fit_seconds'):.3f} s | {median(fk[t], 'wall'):.3f} s |"
        fl_fit = median(fl, "fit_seconds")
        line += f" {fl_fit:.3f} s | {median(fl, 'wall'):.3f} s |"
        line += "".join(f" {fl_fit / median(fk[t], 'fit_seconds'):.1f}x |" for t in threads)
        a = fk[threads[-1]][0]
        line += f" {a['accuracy']:.4f} / {a['dp_difference']:.4f} |"
        line += f" {fl[0]['accuracy']:.4f} / {fl[0]['dp_difference']:.4f} |"
        print(line, flush=True)


if __name__ == "__main__":
    main()
