"""Assess a baseline: train an ordinary model, measure how it treats each group.

The Python version of `examples/assess_baseline.rs` (cells can be pasted into a notebook one by
one). Fairness work starts with measurement: a plain logistic regression that never sees the
group still approves group B less often, because the data carries the group through a proxy
feature and biased historical labels.

    python examples/python/assess_baseline.py
"""

# %% The built-in biased-credit scenario: 10,000 applicants, 70/30 split; `group` is not a feature.
from fairkit.datasets import biased_credit
from fairkit.learners import LogisticRegression
from fairkit.metrics import MetricFrame, demographic_parity_difference, equalized_odds_difference

X_train, y_train, A_train, X_test, y_test, A_test = biased_credit()
print(f"{len(y_train)} training rows, {len(y_test)} test rows")

# %% The labels themselves: each group's base rate (share of approvals) in the training data.
labels = MetricFrame(metrics="selection_rate", y_true=y_train, y_pred=y_train, sensitive_features=A_train)
print("base rate by group (training labels):")
print(labels.by_group)

# %% The baseline: logistic regression with scikit-learn's default penalty (L2, C = 1).
model = LogisticRegression(C=1.0).fit(X_train, y_train)
y_pred = model.predict(X_test)

# %% Test-set rates by group (Fairlearn's MetricFrame) and the disparities.
mf = MetricFrame(
    metrics={"accuracy": "accuracy_score", "selection_rate": "selection_rate",
             "tpr": "true_positive_rate", "fpr": "false_positive_rate"},
    y_true=y_test, y_pred=y_pred, sensitive_features=A_test,
)
print(mf.by_group)
print("overall:", dict(mf.overall))
dp = demographic_parity_difference(y_test, y_pred, sensitive_features=A_test)
eo = equalized_odds_difference(y_test, y_pred, sensitive_features=A_test)
print(f"demographic parity difference {dp:.3f}, equalized odds difference {eo:.3f}")
# A difference above 0.1 is usually flagged. Group B's applicants with a favourable label are
# approved less often (TPR) than group A's: the model learned the history in the labels.
assert dp > 0.05, "the baseline is expected to favour group A"
