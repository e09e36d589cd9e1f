"""Reweighing: weight the training rows so that every group has the same base rate.

The Python version of `examples/reweighing.rs` (Kamiran and Calders 2012). Each (group,
label) cell gets the factor P(group) P(label) / P(group, label); a learner that honours sample
weights then trains on data where the label no longer depends on the group.

    python examples/python/reweighing.py
"""

# %% Data and the new weights.
from fairkit.datasets import biased_credit
from fairkit.learners import LogisticRegression
from fairkit.metrics import MetricFrame, demographic_parity_difference
from fairkit.preprocessing import reweigh

X_train, y_train, A_train, X_test, y_test, A_test = biased_credit()
w = reweigh(y_train, sensitive_features=A_train)
print(f"total weight {w.sum():.1f} for {len(w)} rows")

# %% The weighted base rates are equal.
before = MetricFrame(metrics="selection_rate", y_true=y_train, y_pred=y_train, sensitive_features=A_train)
after = MetricFrame(metrics="selection_rate", y_true=y_train, y_pred=y_train, sensitive_features=A_train,
                    sample_weight=w)
print("base rate by group, before and after weighting:")
print(before.by_group.round(4).to_dict(), after.by_group.round(4).to_dict())

# %% Train with and without the weights; compare on the (unweighted) test rows.
plain = LogisticRegression().fit(X_train, y_train).predict(X_test)
weighted = LogisticRegression().fit(X_train, y_train, sample_weight=w).predict(X_test)
for name, pred in [("baseline", plain), ("reweighed", weighted)]:
    dp = demographic_parity_difference(y_test, pred, sensitive_features=A_test)
    acc = MetricFrame(metrics="accuracy_score", y_true=y_test, y_pred=pred, sensitive_features=A_test).overall
    print(f"{name:<10} accuracy {acc:.3f}  DP difference {dp:.3f}")
assert after.difference() < 1e-9
