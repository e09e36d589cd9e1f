# Regenerates crates/learners/tests/data/sklearn_learners.json: what scikit-learn's counterparts
# of fairkit's learners fit on the prepared Adult and COMPAS files, for the tests in
# crates/learners/tests/sklearn.rs and the README's speed table (never a dependency of cargo test).
#
# Usage (interpreter from the caller; a venv with scikit-learn, numpy and pandas):
#   $PYTHON scripts/sklearn_learners.py PREPARED_DIR OUT_JSON
#   e.g. $PYTHON scripts/sklearn_learners.py ../shared/reference/prepared \
#            crates/learners/tests/data/sklearn_learners.json
#
# Reads PREPARED_DIR/{adult,compas}_{train,test}.csv; the features are every column but `label`
# and `sensitive`, as they are in the files (fairkit's --no-standardize). For each dataset:
# - tree: DecisionTreeClassifier(max_depth=5), every feature considered at every split
#   (max_features=None, the default). scikit-learn visits the features in an order drawn from
#   random_state and keeps the first strictly best split, so on exact ties its tree depends on
#   the seed: the file records the test predictions of random_state=0 (as a string of 0/1) and
#   how many of them change under random_state 1..4.
# - forest: RandomForestClassifier(n_estimators=100) for random_state 0..4: test accuracies.
# - naive_bayes: GaussianNB() (var_smoothing 1e-9): test predictions and accuracy.
# - svm: LinearSVC() (C=1, squared hinge, L2, intercept_scaling=1, tol=1e-4; dual="auto" picks
#   the primal solver since rows outnumber features): test predictions, accuracy, iterations,
#   coefficients; and the optimum itself (the same objective solved with tol=1e-12).
# - COMPAS only, weighted: the same learners fitted with Kamiran-Calders weights
#   P(g) P(y) / P(g, y): tree predictions, naive Bayes probabilities of label 1, SVM optimum.
# Fit seconds are medians of several fits on one thread (OMP/OpenBLAS limited to 1 thread), wall
# clock and CPU time.
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import json
import platform
import sys
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

prepared, out_path = sys.argv[1], sys.argv[2]


def load(name):
    train = pd.read_csv(os.path.join(prepared, f"{name}_train.csv"))
    test = pd.read_csv(os.path.join(prepared, f"{name}_test.csv"))
    features = [c for c in train.columns if c not in ("label", "sensitive")]
    return (
        train[features].to_numpy(dtype=np.float64),
        train["label"].to_numpy(),
        train["sensitive"].astype(str).to_numpy(),
        test[features].to_numpy(dtype=np.float64),
        test["label"].to_numpy(),
    )


def timed(make, X, y, reps, sample_weight=None):
    """The last fitted model, the median wall-clock seconds of `reps` fits and their median CPU
    seconds (the CPU time is the fairer figure on a machine that other work shares)."""
    times, cpu = [], []
    for _ in range(reps):
        model = make()
        t0, c0 = time.perf_counter(), time.process_time()
        model.fit(X, y, sample_weight=sample_weight)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    timed.cpu = float(np.median(cpu))
    return model, float(np.median(times))


def bits(pred):
    return "".join("1" if p else "0" for p in pred)


def accuracy(pred, y):
    return float(np.mean(pred == y))


def reweighing(y, a):
    w = np.empty(len(y))
    for g in np.unique(a):
        for label in (0, 1):
            cell = (a == g) & (y == label)
            w[cell] = np.mean(a == g) * np.mean(y == label) / np.mean(cell)
    return w


def svm_optimum(X, y, sample_weight=None):
    model = LinearSVC(tol=1e-12, max_iter=100000)
    model.fit(X, y, sample_weight=sample_weight)
    return {
        "coef": model.coef_[0].tolist(),
        "intercept": float(model.intercept_[0]),
        "iterations": int(model.n_iter_),
    }


results = {
    "generated_by": "scripts/sklearn_learners.py",
    "versions": {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
    },
    "threads": 1,
    "datasets": {},
}

for name in ("adult", "compas"):
    X, y, a, Xt, yt = load(name)
    entry = {"train_rows": int(X.shape[0]), "test_rows": int(Xt.shape[0]), "features": int(X.shape[1])}

    tree, seconds = timed(lambda: DecisionTreeClassifier(max_depth=5, random_state=0), X, y, 7)
    pred = tree.predict(Xt)
    seed_changes = []
    for seed in range(1, 5):
        other = DecisionTreeClassifier(max_depth=5, random_state=seed).fit(X, y).predict(Xt)
        seed_changes.append(int(np.sum(other != pred)))
    entry["tree"] = {
        "params": "DecisionTreeClassifier(max_depth=5, random_state=0)",
        "accuracy": accuracy(pred, yt),
        "predictions": bits(pred),
        "leaves": int(tree.get_n_leaves()),
        "changed_by_random_state_1_to_4": seed_changes,
        "fit_seconds": seconds,
        "fit_cpu_seconds": timed.cpu,
    }
    print(name, "tree", entry["tree"]["accuracy"], seconds, seed_changes, flush=True)

    accuracies, times, cpu = [], [], []
    for seed in range(5):
        forest, seconds = timed(lambda: RandomForestClassifier(n_estimators=100, random_state=seed), X, y, 1)
        accuracies.append(accuracy(forest.predict(Xt), yt))
        times.append(seconds)
        cpu.append(timed.cpu)
    entry["forest"] = {
        "params": "RandomForestClassifier(n_estimators=100, random_state=seed), seeds 0..4",
        "accuracies": accuracies,
        "fit_seconds": float(np.median(times)),
        "fit_cpu_seconds": float(np.median(cpu)),
    }
    print(name, "forest", accuracies, times, flush=True)

    nb, seconds = timed(GaussianNB, X, y, 7)
    pred = nb.predict(Xt)
    entry["naive_bayes"] = {
        "params": "GaussianNB(var_smoothing=1e-9)",
        "accuracy": accuracy(pred, yt),
        "predictions": bits(pred),
        "fit_seconds": seconds,
        "fit_cpu_seconds": timed.cpu,
    }
    print(name, "naive_bayes", entry["naive_bayes"]["accuracy"], seconds, flush=True)

    svm, seconds = timed(LinearSVC, X, y, 3)
    pred = svm.predict(Xt)
    entry["svm"] = {
        "params": "LinearSVC(C=1, loss='squared_hinge', penalty='l2', tol=1e-4, max_iter=1000)",
        "accuracy": accuracy(pred, yt),
        "predictions": bits(pred),
        "iterations": int(svm.n_iter_),
        "coef": svm.coef_[0].tolist(),
        "intercept": float(svm.intercept_[0]),
        "fit_seconds": seconds,
        "fit_cpu_seconds": timed.cpu,
        "optimum": svm_optimum(X, y),
    }
    print(name, "svm", entry["svm"]["accuracy"], seconds, svm.n_iter_, flush=True)

    if name == "compas":
        w = reweighing(y, a)
        tree = DecisionTreeClassifier(max_depth=5, random_state=0).fit(X, y, sample_weight=w)
        nb = GaussianNB().fit(X, y, sample_weight=w)
        entry["weighted"] = {
            "weights": "Kamiran-Calders P(g) P(y) / P(g, y) of the training rows",
            "tree_predictions": bits(tree.predict(Xt)),
            "naive_bayes_probabilities": nb.predict_proba(Xt)[:, 1].tolist(),
            "svm_optimum": svm_optimum(X, y, w),
        }
    results["datasets"][name] = entry

with open(out_path, "w") as f:
    json.dump(results, f, indent=1)
    f.write("\n")
print("wrote", out_path)
