"""Expected values for fairkit-preprocessing's CorrelationRemover test.

Runs fairlearn's CorrelationRemover on the small fixture that
crates/preprocessing/tests/correlation_remover.rs uses, with the sensitive
attribute passed as one-hot group columns inside X (fairkit's convention), and
prints the fitted transform of the training rows and of new rows for several
alphas, as Rust array literals to paste into the test. It is never run by cargo.

Usage: $PYTHON scripts/preprocessing_correlation_remover.py
(fairlearn 0.15.0, numpy 2.x).
"""

import fairlearn
import numpy as np
from fairlearn.preprocessing import CorrelationRemover

# Features (3 columns: a float, an integer count, a constant) and groups.
X_TRAIN = np.array(
    [
        [0.5, 3.0, 7.0],
        [1.25, 0.0, 7.0],
        [-0.75, 2.0, 7.0],
        [2.0, 5.0, 7.0],
        [3.5, 1.0, 7.0],
        [0.0, 4.0, 7.0],
        [1.75, 6.0, 7.0],
        [-1.5, 2.0, 7.0],
        [0.25, 0.0, 7.0],
    ]
)
G_TRAIN = ["a", "b", "a", "b", "c", "b", "a", "c", "b"]
X_TEST = np.array(
    [
        [1.0, 1.0, 7.0],
        [-2.0, 8.0, 7.0],
        [0.5, 3.0, 9.0],
        [4.0, 0.0, 7.0],
    ]
)
G_TEST = ["c", "a", "b", "a"]
LEVELS = sorted(set(G_TRAIN))


def one_hot(groups):
    return np.array([[1.0 if g == level else 0.0 for level in LEVELS] for g in groups])


def fmt(m):
    rows = ",\n".join(
        "    [" + ", ".join(repr(float(v)) for v in row) + "]" for row in np.atleast_2d(m)
    )
    return "[\n" + rows + ",\n]"


def main():
    print(f"// fairlearn {fairlearn.__version__}, numpy {np.__version__}")
    n_features = X_TRAIN.shape[1]
    sensitive_ids = list(range(n_features, n_features + len(LEVELS)))
    train = np.hstack([X_TRAIN, one_hot(G_TRAIN)])
    test = np.hstack([X_TEST, one_hot(G_TEST)])
    for alpha in (1.0, 0.5, 0.0):
        cr = CorrelationRemover(sensitive_feature_ids=sensitive_ids, alpha=alpha).fit(train)
        print(f"// alpha = {alpha}, training rows")
        print(f"const TRAIN_ALPHA_{int(alpha * 100)}: [[f64; 3]; 9] = {fmt(cr.transform(train))};")
        print(f"// alpha = {alpha}, new rows")
        print(f"const TEST_ALPHA_{int(alpha * 100)}: [[f64; 3]; 4] = {fmt(cr.transform(test))};")

    # Two groups: the one-hot pair and a single 0/1 column give the same result.
    two = ["a" if g == "a" else "b" for g in G_TRAIN]
    pair = np.array([[1.0, 0.0] if g == "a" else [0.0, 1.0] for g in two])
    single = np.array([[1.0] if g == "a" else [0.0] for g in two])
    out_pair = CorrelationRemover(sensitive_feature_ids=[3, 4]).fit_transform(
        np.hstack([X_TRAIN, pair])
    )
    out_single = CorrelationRemover(sensitive_feature_ids=[3]).fit_transform(
        np.hstack([X_TRAIN, single])
    )
    print(f"// two groups (a vs rest): one-hot pair vs single column, max |diff| = "
          f"{np.abs(out_pair - out_single).max():.3g}")
    print(f"const TWO_GROUPS: [[f64; 3]; 9] = {fmt(out_single)};")


if __name__ == "__main__":
    main()
