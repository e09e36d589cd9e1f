# Cross-checks fairkit's exponentiated gradient against fairlearn 0.15 on the built-in
# `biased-credit` scenario (the README quotes it). Never a dependency of `cargo test`.
#
# Usage: $PYTHON scripts/fairlearn_sim_check.py [path/to/fairkit]
# Simulates the default scenario with fairkit, splits it 70/30 with a fixed numpy permutation,
# standardizes the features with the training mean and population standard deviation, writes
# both halves to a temporary directory, then fits ExponentiatedGradient(LogisticRegression(),
# eps=0.01) for demographic parity and equalized odds (difference bound 0.01) in fairlearn and
# `fairkit mitigate --no-standardize` on the same files, and prints the expected test accuracy,
# demographic parity difference and equalized odds difference of both.
import json, os, subprocess, sys, tempfile, time
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from fairlearn.reductions import ExponentiatedGradient, DemographicParity, EqualizedOdds

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
fairkit = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target", "release", "fairkit")
tmp = tempfile.mkdtemp()
sim = os.path.join(tmp, "sim.csv")
subprocess.run([fairkit, "simulate", "--out", sim], check=True)
df = pd.read_csv(sim)
idx = np.random.RandomState(0).permutation(len(df))
ntr = int(0.7 * len(df))
train, test = df.iloc[idx[:ntr]].reset_index(drop=True), df.iloc[idx[ntr:]].reset_index(drop=True)
feat = [c for c in df.columns if c not in ("group", "approved")]
mu, sd = train[feat].mean(), train[feat].std(ddof=0)
for part, name in ((train, "train"), (test, "test")):
    part = part.copy()
    part[feat] = (part[feat] - mu) / sd
    part.to_csv(os.path.join(tmp, f"{name}.csv"), index=False)
# Read back what fairkit reads, so both see the same decimal text.
train, test = pd.read_csv(os.path.join(tmp, "train.csv")), pd.read_csv(os.path.join(tmp, "test.csv"))
X, y, A = train[feat].to_numpy(), train["approved"].to_numpy(), train["group"].to_numpy()
Xt, yt, At = test[feat].to_numpy(), test["approved"].to_numpy(), test["group"].to_numpy()


def expected(p):
    """Accuracy, DP difference and EO difference of fractional predictions p."""
    acc = float(np.mean(p * yt + (1 - p) * (1 - yt)))
    rates = {}
    for g in np.unique(At):
        m = At == g
        rates[g] = (p[m].mean(), p[m & (yt == 1)].mean(), p[m & (yt == 0)].mean())
    a, b = rates.values()
    return acc, abs(a[0] - b[0]), max(abs(a[1] - b[1]), abs(a[2] - b[2]))


print(f"{'':30}{'seconds':>9}{'accuracy':>10}{'DP diff':>9}{'EO diff':>9}")
for cname, moment in (("demographic_parity", DemographicParity), ("equalized_odds", EqualizedOdds)):
    start = time.perf_counter()
    eg = ExponentiatedGradient(LogisticRegression(), moment(difference_bound=0.01), eps=0.01)
    eg.fit(X, y, sensitive_features=A)
    seconds = time.perf_counter() - start
    acc, dp, eo = expected(eg._pmf_predict(Xt)[:, 1])
    print(f"fairlearn {cname:<20}{seconds:9.3f}{acc:10.4f}{dp:9.4f}{eo:9.4f}")
    out = subprocess.run(
        [fairkit, "mitigate", "--data", os.path.join(tmp, "train.csv"), "--test",
         os.path.join(tmp, "test.csv"), "--label", "approved", "--sensitive", "group",
         "--no-standardize", "--method", "expgrad", "--constraint", cname, "--format", "json"],
        check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    e = report["expected"]
    print(f"fairkit   {cname:<20}{report['fit_seconds']:9.3f}{e['overall']['accuracy']:10.4f}"
          f"{e['disparities']['demographic_parity_difference']:9.4f}"
          f"{e['disparities']['equalized_odds_difference']:9.4f}")
